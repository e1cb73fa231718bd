/*
 * Every route the application answers. Order matters only where two
 * patterns can match the same path: the first wins.
 */
#include "web/router.h"

#include "handlers/health.h"
#include "handlers/home.h"
#include "handlers/language.h"
#include "core/banned.h"

const struct route routes[] = {
	{ "GET", "/", home_show, 0 },
	{ "GET", "/healthz", health_live, 0 },
	{ "GET", "/readyz", health_ready, 0 },
	{ "GET", "/metrics", health_metrics, 0 },
	{ "POST", "/language", language_set, 0 },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
