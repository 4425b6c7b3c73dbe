/* pages_accompagnement.h - the pages of activity records, followed people,
 * referrals, their GDPR rights and statistics (src/web/page_activites.c,
 * page_beneficiaires.c, page_rgpd.c, page_orientations.c,
 * page_statistiques.c). Every form POSTs with its CSRF token, shows its
 * errors in French next to each field and in a summary, and works with the
 * keyboard alone and without JavaScript. Rules, authorization and journal:
 * src/accompagnement/.
 *
 *   GET      /activites                      page_activites          my / my structure's records
 *   GET|POST /activites/nouvelle             page_activite_nouvelle  record one (?type=collectif)
 *   GET      /activites/{id}                 page_activite           one record, its participants
 *   GET|POST /activites/{id}/modifier        page_activite_modifier
 *   POST     /activites/{id}/supprimer       page_activite_supprimer
 *   POST     /activites/{id}/participants    page_activite_participants  add / remove a followed person
 *   GET      /beneficiaires                  page_beneficiaires      followed people (?q= search)
 *   GET|POST /beneficiaires/nouveau          page_beneficiaire_nouveau  with recorded consent
 *   GET      /beneficiaires/doublons         page_beneficiaires_doublons  probable duplicates
 *   POST     /beneficiaires/fusionner        page_beneficiaires_fusionner
 *   GET      /beneficiaires/{id}             page_beneficiaire       record and history
 *   GET|POST /beneficiaires/{id}/modifier    page_beneficiaire_modifier
 *   POST     /beneficiaires/{id}/diagnostic  page_beneficiaire_diagnostic  link a diagnostic
 *   GET      /beneficiaires/{id}/export      page_beneficiaire_export      readable, printable
 *   GET      /beneficiaires/{id}/export.json page_beneficiaire_export_json the same as JSON
 *   GET|POST /beneficiaires/{id}/effacer     page_beneficiaire_effacer     right to erasure
 *   GET      /orientations                   page_orientations       sent and received
 *   GET|POST /orientations/nouvelle          page_orientation_nouvelle  choose a place, consent
 *   GET|POST /orientations/{id}              page_orientation        one referral, answer it
 *   GET|POST /orientation/lien/{jeton}       page_orientation_lien   the receiving side's link
 *   GET      /statistiques                   page_statistiques       figures, printable
 *   GET      /statistiques.csv               page_statistiques_csv
 */
#ifndef WEB_PAGES_ACCOMPAGNEMENT_H
#define WEB_PAGES_ACCOMPAGNEMENT_H
#include "http/router.h"

void page_activites(const struct request *rq, struct response *rs);
void page_activite_nouvelle(const struct request *rq, struct response *rs);
void page_activite(const struct request *rq, struct response *rs);
void page_activite_modifier(const struct request *rq, struct response *rs);
void page_activite_supprimer(const struct request *rq, struct response *rs);
void page_activite_participants(const struct request *rq, struct response *rs);
void page_beneficiaires(const struct request *rq, struct response *rs);
void page_beneficiaire_nouveau(const struct request *rq, struct response *rs);
void page_beneficiaires_doublons(const struct request *rq, struct response *rs);
void page_beneficiaires_fusionner(const struct request *rq, struct response *rs);
void page_beneficiaire(const struct request *rq, struct response *rs);
void page_beneficiaire_modifier(const struct request *rq, struct response *rs);
void page_beneficiaire_diagnostic(const struct request *rq, struct response *rs);
void page_beneficiaire_export(const struct request *rq, struct response *rs);
void page_beneficiaire_export_json(const struct request *rq, struct response *rs);
void page_beneficiaire_effacer(const struct request *rq, struct response *rs);
void page_orientations(const struct request *rq, struct response *rs);
void page_orientation_nouvelle(const struct request *rq, struct response *rs);
void page_orientation(const struct request *rq, struct response *rs);
void page_orientation_lien(const struct request *rq, struct response *rs);
void page_statistiques(const struct request *rq, struct response *rs);
void page_statistiques_csv(const struct request *rq, struct response *rs);

#endif
