# Make rules for the test programs (tests/progs, tests/diverge); included by the top-level Makefile.

BUILD ?= build
TESTS_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# Test programs are plain, unsanitized binaries: only these flags are used.
TEST_CFLAGS := -O1 -g -Wall -Wextra -Werror -std=gnu11

TEST_PROG_SRCS := $(sort $(wildcard $(TESTS_DIR)/progs/*.c))
TEST_DIVERGE_SRCS := $(sort $(wildcard $(TESTS_DIR)/diverge/*.c))
TEST_PROG_BINS := $(patsubst $(TESTS_DIR)/progs/%.c,$(BUILD)/tests/progs/%,$(TEST_PROG_SRCS))
TEST_DIVERGE_BINS := $(patsubst $(TESTS_DIR)/diverge/%.c,$(BUILD)/tests/diverge/%,$(TEST_DIVERGE_SRCS))

.PHONY: tests tests-clean

# Two builds of one program, for --variant: other optimisation, other frame layout.
TEST_VARIANT_BINS := $(BUILD)/tests/variant/file_io-O0 $(BUILD)/tests/variant/file_io-O2 \
                     $(BUILD)/tests/variant/file_io-nopie

TEST_GUARD_BINS := $(patsubst $(TESTS_DIR)/guard/%.c,$(BUILD)/tests/guard/%,$(sort $(wildcard $(TESTS_DIR)/guard/*.c)))
# Programs the runner drives from outside (signals to their pid).
TEST_CLI_BINS := $(patsubst $(TESTS_DIR)/cli/%.c,$(BUILD)/tests/cli/%,$(sort $(wildcard $(TESTS_DIR)/cli/*.c)))

tests: $(TEST_PROG_BINS) $(TEST_DIVERGE_BINS) $(TEST_VARIANT_BINS) $(TEST_GUARD_BINS) $(TEST_CLI_BINS)

$(BUILD)/tests/guard/%: $(TESTS_DIR)/guard/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $<

$(BUILD)/tests/cli/%: $(TESTS_DIR)/cli/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $<

$(BUILD)/tests/variant/file_io-O0: $(TESTS_DIR)/progs/file_io.c $(wildcard $(TESTS_DIR)/progs/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -O0 -fstack-protector-all -o $@ $<

$(BUILD)/tests/variant/file_io-O2: $(TESTS_DIR)/progs/file_io.c $(wildcard $(TESTS_DIR)/progs/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -O2 -fno-stack-protector -fomit-frame-pointer -o $@ $<

# A fixed-address (not position-independent) build: its code is at one address in every variant.
$(BUILD)/tests/variant/file_io-nopie: $(TESTS_DIR)/progs/file_io.c $(wildcard $(TESTS_DIR)/progs/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fno-pie -no-pie -o $@ $<

$(BUILD)/tests/progs/%: $(TESTS_DIR)/progs/%.c $(wildcard $(TESTS_DIR)/progs/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $<

$(BUILD)/tests/diverge/%: $(TESTS_DIR)/diverge/%.c $(wildcard $(TESTS_DIR)/diverge/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $<

tests-clean:
	rm -rf $(BUILD)/tests
