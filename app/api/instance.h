#ifndef BB_API_INSTANCE_H
#define BB_API_INSTANCE_H
/*
 * Discovery and instance metadata: what clients read before and right
 * after logging in to decide what this server is and what it allows.
 * The limits are the configuration's, never hard-coded guesses.
 */
struct request;

int api_instance_nodeinfo_links(struct request *r); /* GET /.well-known/nodeinfo */
int api_instance_nodeinfo(struct request *r);       /* GET /nodeinfo/2.0 */
int api_instance_webfinger(struct request *r);      /* GET /.well-known/webfinger */
int api_instance_v1(struct request *r);             /* GET /api/v1/instance */
int api_instance_v2(struct request *r);             /* GET /api/v2/instance */
int api_instance_missing_avatar(struct request *r); /* GET /avatars/missing.png */

#endif
