/*
 * What a job-control shell does with process groups: it leads a group of
 * its own, then, as it exits, goes back to the group it started in, led
 * by its parent. Run by tests/run in a new session its parent leads: under
 * chorus, the monitor.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	pid_t start = getpgrp();

	printf("leads its group at start: %s\n", start == getpid() ? "yes" : "no");
	printf("in its parent's group: %s\n", getpgid(0) == start && start != getpid() ? "yes" : "no");
	if (setpgid(0, 0) != 0) {
		perror("setpgid(0, 0)");
		return 1;
	}
	printf("leads a group of its own: %s\n", getpgrp() == getpid() ? "yes" : "no");
	if (setpgid(0, start) != 0) {
		perror("setpgid(0, start)");
		return 1;
	}
	printf("back in the group it started in: %s\n", getpgrp() == start ? "yes" : "no");
	return 0;
}
