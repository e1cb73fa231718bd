#include "core/pwgate.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/banned.h"

#define PW_GATE_POLL_NS (5 * 1000 * 1000L)

static int gate_fd = -1;
static int gate_slots;
static int gate_wait_ms;
static int gate_held = -1;

int pw_gate_open(const char *path, int slots, int wait_ms)
{
	pw_gate_close();
	gate_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (gate_fd < 0)
		return -1;
	gate_slots = slots > 0 ? slots : 1;
	gate_wait_ms = wait_ms;
	return 0;
}

void pw_gate_close(void)
{
	if (gate_fd >= 0)
		close(gate_fd);
	gate_fd = -1;
	gate_held = -1;
}

static int pw_gate_lock(int slot, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = slot, .l_len = 1 };

	return fcntl(gate_fd, F_SETLK, &fl);
}

static long long pw_gate_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pw_gate_enter(void)
{
	long long start, now;
	struct timespec pause = { 0, PW_GATE_POLL_NS };

	if (gate_fd < 0)
		return 0;
	start = now = pw_gate_now_ms();
	for (;;) {
		for (int i = 0; i < gate_slots; i++) {
			if (pw_gate_lock(i, F_WRLCK) == 0) {
				gate_held = i;
				if (now - start >= 10)
					log_info("event=argon2_waited ms=%lld", now - start);
				return 0;
			}
			if (errno != EACCES && errno != EAGAIN)
				return 0; /* the lock itself fails: do not lock people out */
		}
		if (now - start >= gate_wait_ms) {
			log_warn("event=argon2_busy slots=%d waited_ms=%lld", gate_slots, now - start);
			return -1;
		}
		nanosleep(&pause, NULL);
		now = pw_gate_now_ms();
	}
}

void pw_gate_leave(void)
{
	if (gate_fd >= 0 && gate_held >= 0)
		pw_gate_lock(gate_held, F_UNLCK);
	gate_held = -1;
}
