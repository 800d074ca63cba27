# CLIPKit: `make demo` and `make test` are the two quick-start commands of the README.
SWIFT ?= swift
# Numeric code is 10-50x slower unoptimised, so tests run in an optimised build with testing enabled.
TEST_FLAGS = -c release -Xswiftc -enable-testing

.PHONY: setup build demo test bench fixtures clean

setup:
	bash scripts/setup.sh

build: setup
	$(SWIFT) build -c release

demo: build
	bash scripts/demo.sh

# The PostgreSQL store's tests need a server: unless CLIPKIT_TEST_POSTGRES_URL names one, a
# throwaway PostgreSQL + pgvector runs on loopback for the suite (scripts/test-postgres.sh).
test: setup
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	if [ -n "$$CLIPKIT_TEST_POSTGRES_URL" ]; then $(SWIFT) test --skip-build $(TEST_FLAGS); else \
	    CLIPKIT_TEST_POSTGRES_URL="$$(scripts/test-postgres.sh start)" || exit 1; export CLIPKIT_TEST_POSTGRES_URL; \
	    trap 'scripts/test-postgres.sh stop' EXIT; $(SWIFT) test --skip-build $(TEST_FLAGS); fi

bench: build
	$(SWIFT) run -c release clipkit-bench engine

clean:
	rm -rf .build
