# Passerelle - build, run and test.
#   make setup   install Debian/npm dependencies (scripts/setup.sh)
#   make run     build, load data into passerelle.db, serve on http://127.0.0.1:8080
#   make test    the whole test suite (unit, sanitizers, fuzzing, HTTP, browser)
#   make bench   the side-by-side benchmarks of bench/ (not part of the tests)
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
WFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation
ALL_CFLAGS = $(WFLAGS) -Isrc -Ibuild/gen $(CFLAGS)
LDLIBS  = -lmicrohttpd -ljansson -lsqlite3 -lsodium -lm -lpthread
B       ?= build

LIB_SRC  = $(filter-out src/main.c,$(wildcard src/*/*.c))
HEADERS  = $(wildcard src/*/*.h)
# CSS and scripts are also embedded gzipped (served when the browser accepts it).
GZ_STATIC = $(patsubst %,build/gen/gz/%.gz,$(filter %.css %.js,$(wildcard web/static/*)))
EMBED    = $(sort $(wildcard src/store/migrations/*.sql) $(wildcard data/mappings/*.json) \
             $(wildcard data/diagnostic/*.json) $(wildcard data/i18n/*.json) \
             $(wildcard web/static/*) docs/openapi.json) $(GZ_STATIC)
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/embedded.o
TESTS    = $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c))
FUZZERS  = $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz_*.c))

.PHONY: all setup run test unit fuzz clean bench
all: $(B)/passerelle

setup:
	@scripts/setup.sh

run: setup all
	@scripts/run.sh

test: setup
	@scripts/test.sh

bench: setup all
	@scripts/setup.sh --bench
	@bench/run.sh

$(B)/passerelle: src/main.c $(B)/libpasserelle.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libpasserelle.a $(LDLIBS)

$(B)/libpasserelle.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c $(HEADERS) build/gen/embedded.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Data files built into the binary (migrations, mappings, diagnostic referential,
# question banks and message catalogues, static files, OpenAPI).
build/gen/embedded.h build/gen/embedded.c &: $(EMBED) scripts/embed.c
	@mkdir -p build/gen
	$(CC) -O1 -o build/gen/embed scripts/embed.c
	build/gen/embed build/gen/embedded $(EMBED)

build/gen/gz/%.gz: %
	@mkdir -p $(dir $@)
	gzip -9 -n -c $< > $@

$(B)/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/%.c tests/check.h $(B)/libpasserelle.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(B)/libpasserelle.a $(LDLIBS)

unit: $(TESTS)

# Fuzz targets: clang-14 libFuzzer with ASan and UBSan, over the same sources.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzzobj/%.o) build/fuzzobj/gen/embedded.o
build/fuzzobj/%.o: %.c $(HEADERS) build/gen/embedded.h
	@mkdir -p $(dir $@)
	clang-14 $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzzobj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	clang-14 $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	clang-14 $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

fuzz: $(FUZZERS)

clean:
	rm -rf build build-asan
