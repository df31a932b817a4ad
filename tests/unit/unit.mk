# Make rules for the unit tests (tests/unit): the syscall table, argument
# comparison, output replication and descriptor bookkeeping, tested inside
# one process, without ptrace. Included by the top-level Makefile.
#
#   make unit    build build/tests/unit/test_unit and run it

BUILD ?= build
UNIT_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
UNIT_OUT := $(BUILD)/tests/unit
UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O1 -g
UNIT_LIBS := -lseccomp

# Every monitor source but main.c: the test program provides what main.c does.
UNIT_MON_SRCS := $(filter-out src/main.c,$(sort $(wildcard src/*.c src/sys/*.c)))
UNIT_MON_OBJS := $(UNIT_MON_SRCS:%.c=$(UNIT_OUT)/obj/%.o)
UNIT_TEST_SRCS := $(sort $(wildcard $(UNIT_DIR)/*.c))
UNIT_TEST_OBJS := $(patsubst $(UNIT_DIR)/%.c,$(UNIT_OUT)/obj/unit/%.o,$(UNIT_TEST_SRCS))

.PHONY: unit

unit: $(UNIT_OUT)/test_unit
	$(UNIT_OUT)/test_unit

$(UNIT_OUT)/test_unit: $(UNIT_TEST_OBJS) $(UNIT_MON_OBJS)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_LIBS)

$(UNIT_OUT)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<

$(UNIT_OUT)/obj/unit/%.o: $(UNIT_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -Isrc -MMD -MP -c -o $@ $<

-include $(UNIT_MON_OBJS:.o=.d) $(UNIT_TEST_OBJS:.o=.d)
