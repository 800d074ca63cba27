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

test: setup
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	$(SWIFT) test --skip-build $(TEST_FLAGS)

bench: build
	$(SWIFT) run -c release clipkit-bench engine

clean:
	rm -rf .build
