/*
 * cpuid.c - the CPUID instruction, answered by the monitor.
 *
 * RDRAND and RDSEED give each variant other random numbers, and no
 * monitor sees them: a library that finds them through CPUID (libgcrypt,
 * OpenSSL) mixes them into its keys, and the variants part. Where the CPU
 * can make CPUID fault (ARCH_SET_CPUID, "cpuid_fault" in /proc/cpuinfo),
 * the monitor turns that on in each variant after its execve (the kernel
 * turns it off at every execve; fork and clone keep it), by swapping the
 * variant's first syscall but brk for arch_prctl and making that syscall
 * again after. (glibc's loader makes brk, then asks CPUID its hundred or
 * so questions about the CPU and its caches, then makes its next call:
 * those answers it keeps, and no random number comes of them.) Each CPUID then stops the variant with a SIGSEGV; the monitor
 * executes it itself and hides RDRAND, RDSEED and RDPID (the CPU number)
 * from the answer, so every variant sees one CPU, whichever it runs on,
 * and gets its random numbers from getrandom, which is replicated.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <sys/syscall.h>

#include "chorus.h"

#define LEAF1_ECX_RDRAND (1u << 30)
#define LEAF7_EBX_RDSEED (1u << 18)
#define LEAF7_ECX_RDPID (1u << 22)

static bool unsupported; /* the CPU or kernel refused once: not tried again */

/* After an execve: CPUID is to fault again, from the variant's next syscall on. */
void cpuid_after_exec(struct task *t)
{
	t->cpuid = unsupported ? CPUID_NATIVE : CPUID_TO_TRAP;
}

/* At a syscall entry: make arch_prctl(ARCH_SET_CPUID, 0) instead; true if it did. */
bool cpuid_trap_begin(struct task *t)
{
	if (t->cpuid != CPUID_TO_TRAP || t->regs.orig_rax == __NR_brk)
		return false;
	task_substitute(t);
	t->regs.orig_rax = __NR_arch_prctl;
	arg_set(&t->regs, 0, ARCH_SET_CPUID);
	arg_set(&t->regs, 1, 0);
	regs_put(t);
	t->cpuid = CPUID_TRAPPING;
	task_resume_syscall(t);
	return true;
}

/* At the exit of that arch_prctl: back to the variant's own syscall, which it makes again. */
bool cpuid_trap_end(struct task *t)
{
	if (t->cpuid != CPUID_TRAPPING)
		return false;
	if ((long)t->regs.rax < 0)
		unsupported = true;
	t->cpuid = (long)t->regs.rax < 0 ? CPUID_NATIVE : CPUID_TRAPPED;
	t->regs = t->saved;
	t->substituted = false;
	regs_redo(&t->regs); /* its own syscall instruction again */
	regs_put(t);
	task_resume(t, 0);
	return true;
}

/* The answer every variant gets: this CPU's, without the instructions that differ between them. */
static void answer(unsigned leaf, unsigned sub, unsigned r[4])
{
	cpu_cpuid(leaf, sub, r);
	if (leaf == 1)
		r[2] &= ~LEAF1_ECX_RDRAND;
	if (leaf == 7 && sub == 0) {
		r[1] &= ~LEAF7_EBX_RDSEED;
		r[2] &= ~LEAF7_ECX_RDPID;
	}
}

/*
 * A SIGSEGV from the kernel: if t stopped at a CPUID, answer it and let t
 * go on. (A thread or child made after the arch_prctl faults as well.)
 */
bool cpuid_emulate(struct task *t)
{
	unsigned char insn[2];
	unsigned r[4];

	if (regs_get(t) != 0 || mem_read(t->tid, t->regs.rip, insn, 2) != 2 ||
	    insn[0] != 0x0f || insn[1] != 0xa2)
		return false;
	answer((unsigned)t->regs.rax, (unsigned)t->regs.rcx, r);
	t->regs.rax = r[0];
	t->regs.rbx = r[1];
	t->regs.rcx = r[2];
	t->regs.rdx = r[3];
	t->regs.rip += 2;
	regs_put(t);
	task_resume(t, 0);
	return true;
}
