#ifndef BB_LISTEN_H
#define BB_LISTEN_H
/*
 * The FastCGI listening sockets: inherited from systemd socket activation
 * (LISTEN_FDS), or bound here to a unix path ("var/run/x.sock") or a TCP
 * address ("127.0.0.1:9000").
 */
#include <stdbool.h>

struct listen_socket {
	int fd;
	bool activated; /* came from systemd: not ours to unlink */
	char path[108]; /* unix socket path we created, or "" */
};

/* The nth socket systemd passed (0: the first), or else one bound to
 * address. */
int listen_open(struct listen_socket *ls, int nth, const char *address, int mode, int backlog);
/* Once every socket is open: the activation variables are not for
 * children. */
void listen_activation_done(void);
void listen_close(struct listen_socket *ls);

#endif
