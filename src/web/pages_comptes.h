/* pages_comptes.h - the pages of accounts, structures, tokens and the
 * journal (one file per page family, src/web/page_*.c). Every form POSTs
 * with a CSRF token, shows its errors in French next to each field and in
 * a summary at the top, and works with the keyboard alone and without
 * JavaScript. Every write goes through comptes/invitation.h or the domain
 * module, which authorize (authz_allowed) and journal it.
 *
 *   GET|POST /connexion              page_connexion        sign in
 *   GET|POST /connexion/code         page_connexion_code   second factor
 *   POST     /deconnexion            page_deconnexion      sign out
 *   GET|POST /invitation/{jeton}     page_invitation       first password
 *   GET|POST /mot-de-passe-oublie    page_oubli            ask for a reset link
 *   GET|POST /reinitialisation/{jeton} page_reinitialisation  new password
 *   GET      /espace                 page_espace           what I can do here
 *   GET      /compte                 page_compte           my account
 *   POST     /compte/mot-de-passe    page_compte_mot_de_passe
 *   GET|POST /compte/second-facteur  page_compte_totp      TOTP on / off
 *   GET|POST /admin/comptes          page_admin_comptes    accounts within scope, invite
 *   POST     /admin/comptes/{id}     page_admin_compte     deactivate, reactivate, re-invite,
 *                                                          remove a role
 *   GET|POST /admin/structures       page_admin_structures structures within scope, create
 *   GET|POST /admin/structures/{id}  page_admin_structure  a structure: edit, link places
 *   GET|POST /admin/jetons           page_admin_jetons     API tokens (create, revoke)
 *   GET      /journal                page_journal          the audit journal within scope
 *   GET      /journal.csv            page_journal_csv      its CSV export
 */
#ifndef WEB_PAGES_COMPTES_H
#define WEB_PAGES_COMPTES_H
#include "http/router.h"

void page_connexion(const struct request *rq, struct response *rs);
void page_connexion_code(const struct request *rq, struct response *rs);
void page_deconnexion(const struct request *rq, struct response *rs);
void page_invitation(const struct request *rq, struct response *rs);
void page_oubli(const struct request *rq, struct response *rs);
void page_reinitialisation(const struct request *rq, struct response *rs);
void page_espace(const struct request *rq, struct response *rs);
void page_compte(const struct request *rq, struct response *rs);
void page_compte_mot_de_passe(const struct request *rq, struct response *rs);
void page_compte_totp(const struct request *rq, struct response *rs);
void page_admin_comptes(const struct request *rq, struct response *rs);
void page_admin_compte(const struct request *rq, struct response *rs);
void page_admin_structures(const struct request *rq, struct response *rs);
void page_admin_structure(const struct request *rq, struct response *rs);
void page_admin_jetons(const struct request *rq, struct response *rs);
void page_journal(const struct request *rq, struct response *rs);
void page_journal_csv(const struct request *rq, struct response *rs);

#endif
