#include "core/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

static const char *log_name = "beaubelle";
static enum log_level log_min = BB_LOG_INFO;
static bool log_journal;

void log_init(const char *name, enum log_level min)
{
	log_name = name;
	log_min = min;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

int log_level_parse(const char *s, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} levels[] = {
		{ "error", BB_LOG_ERR },
		{ "warn", BB_LOG_WARN },
		{ "info", BB_LOG_INFO },
		{ "debug", BB_LOG_DEBUG },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(s, levels[i].name) == 0) {
			*out = levels[i].level;
			return 0;
		}
	}
	return -1;
}

static const char *log_level_name(enum log_level level)
{
	switch (level) {
	case BB_LOG_ERR: return "error";
	case BB_LOG_WARN: return "warn";
	case BB_LOG_INFO: return "info";
	default: return "debug";
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[2048];
	size_t n = 0;
	va_list ap;
	int w;

	if (level > log_min)
		return;
	if (log_journal) {
		w = snprintf(line, sizeof(line), "<%d>%s[%d]: ", (int)level,
			     log_name, (int)getpid());
	} else {
		struct timeval tv;
		struct tm tm;

		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		w = snprintf(line, sizeof(line),
			     "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s[%d] %s ",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec,
			     (int)(tv.tv_usec / 1000), log_name, (int)getpid(),
			     log_level_name(level));
	}
	if (w > 0)
		n = (size_t)w < sizeof(line) ? (size_t)w : sizeof(line) - 1;
	va_start(ap, fmt);
	w = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (w > 0)
		n += (size_t)w < sizeof(line) - n ? (size_t)w : sizeof(line) - n - 1;
	/* One line per event: newlines inside a message would let a value
	 * forge a second log line. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	/* A single write keeps lines from concurrent workers whole. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}
