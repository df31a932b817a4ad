# chorus - a multi-variant execution monitor.
CC      ?= cc
BUILD   := build
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wundef -Wvla -Wcast-align
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) -MMD -MP
LIBS    := -lseccomp

SRC := $(wildcard src/*.c src/sys/*.c)
OBJ := $(SRC:%.c=$(BUILD)/%.o)
ASAN_OBJ := $(SRC:%.c=$(BUILD)/asan/%.o)

.PHONY: all check demo bench asan clean deps test-deps tests docs cc-check
all: $(BUILD)/chorus

$(BUILD)/chorus: $(OBJ)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The monitor built with AddressSanitizer and UBSan (test programs never are).
asan: $(BUILD)/asan/chorus
$(BUILD)/asan/chorus: $(ASAN_OBJ)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -fsanitize=address,undefined -o $@ $^ $(LIBS)
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (asan)"
	@$(CC) $(ALL_CFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=all -c -o $@ $<

-include tests/tests.mk
-include tests/unit/unit.mk

# Debian packages the build, the demo and the benchmarks need; installed when run as root.
deps:
	@scripts/deps

# ... and the programs the tests run.
test-deps:
	@scripts/deps tests

check: test-deps all asan tests unit
	@$(BUILD)/chorus --syscalls | cmp -s - doc/syscalls.md || \
		{ echo "doc/syscalls.md does not match the table: run 'make docs'"; exit 1; }
	tests/run
	ASAN_OPTIONS=quarantine_size_mb=0 tests/run --chorus $(BUILD)/asan/chorus
	tools/chorus-cc-check --chorus $(BUILD)/chorus --out $(BUILD)/chorus-cc --repeat 1

# The test programs built as diversified variants (tools/chorus-cc), run side by side.
cc-check: deps all
	tools/chorus-cc-check --chorus $(BUILD)/chorus --out $(BUILD)/chorus-cc

demo: deps all
	examples/demo

bench: deps all
	bench/run

docs: all
	$(BUILD)/chorus --syscalls > doc/syscalls.md

clean:
	rm -rf $(BUILD)

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d)
