#ifndef BB_PWGATE_H
#define BB_PWGATE_H
/*
 * At most N password hashes at once on this host, whichever worker runs
 * them: each Argon2id computation takes [security] argon2_memory, so
 * without a cap a burst of logins could take all the memory there is.
 *
 * The slots are byte-range locks (fcntl F_SETLK) on one lock file that
 * every worker of the host opens: the kernel releases a dead worker's
 * lock with it, so a crash never leaks a slot. A process that has not
 * opened the gate is not limited (command-line tools).
 */

/* Open the gate in this process: path is the lock file (created), slots
 * the most hashes at once, wait_ms how long a hash may wait for a slot.
 * 0, or -1 when the file cannot be opened (then nothing is limited). */
int pw_gate_open(const char *path, int slots, int wait_ms);
void pw_gate_close(void);
/* Take a slot, waiting up to wait_ms: 0, or -1 when every slot stayed
 * busy (answer 503). Always 0 when the gate is not open. */
int pw_gate_enter(void);
void pw_gate_leave(void);

#endif
