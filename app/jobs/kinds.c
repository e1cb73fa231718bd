#include "jobs/kinds.h"

#include <string.h>

#include "jobs/fanout.h"
#include "jobs/generate.h"
#include "jobs/moderate.h"
#include "jobs/notify.h"
#include "jobs/trend.h"
#include "jobs/selftest.h"
#include "core/banned.h"

static const struct job_kind job_kinds[] = {
	{ "selftest", job_selftest },
	{ "deliver", job_deliver },
	{ "fanout", job_fanout },
	{ "unfanout", job_unfanout },
	{ "notify", job_notify },
	{ "unnotify", job_unnotify },
	{ "trend", job_trend },
	{ "moderate", job_moderate },
	{ "moderated", job_moderated },
	{ "generate", job_generate },
};

const struct job_kind *job_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(job_kinds) / sizeof(job_kinds[0]); i++)
		if (strcmp(job_kinds[i].name, name) == 0)
			return &job_kinds[i];
	return NULL;
}
