/*
 * The seed command. Everything is generated in memory first (accounts,
 * the follow graph, posts, likes and reposts, and from them every
 * counter), then written by store/seed_store.c in multi-row INSERTs.
 * Counting in C while generating is what keeps the counters exact
 * without a pass of UPDATE ... JOIN over the tables afterwards.
 *
 * The shapes, chosen to look like a young image network:
 * - followers: each account draws how many to follow from a log-normal
 *   (median 20) and picks whom by a Zipf law over a random popularity
 *   rank, so a few accounts have thousands of followers and most a
 *   handful;
 * - posts: authors are drawn by a second Zipf law over an activity rank
 *   correlated with popularity (popular accounts post more), times are
 *   uniform over the last SEED_POST_DAYS days;
 * - likes and reposts: each post draws its count from a Poisson law whose
 *   mean grows with its author's followers and a per-post "virality"
 *   factor, so they pile up on popular posts; likers and reposters are
 *   mostly the author's followers, the rest anyone (Explore).
 *
 * Each phase has its own random stream derived from --seed, so the same
 * options always give the same data, and changing --posts leaves the
 * accounts and the follow graph as they were.
 */
#include "seed/seed.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/password.h"
#include "media/storage.h"
#include "media/image.h"
#include "store/rds.h"
#include "store/seed_store.h"
#include "media/store.h"
#include "core/banned.h"

#define SEED_DAY_MS (24LL * 3600 * 1000)
#define SEED_HOUR_MS (3600LL * 1000)
#define SEED_POST_DAYS 60
#define SEED_MAX_USERS 1000000L
#define SEED_MAX_POSTS 20000000L
#define SEED_MAX_IMAGES 64
#define SEED_MAX_FOLLOWING 2000
/* Rows per transaction: big enough that commits (an fsync each) are
 * rare, small enough that a transaction never holds much undo. */
#define SEED_FOLLOW_CHUNK 5000
#define SEED_POST_CHUNK 4000
#define SEED_LIKE_CHUNK 5000

static const char seed_usage[] =
	"usage: beaubelle seed --users N --posts M [--seed S] [--prefix P] [--images DIR]\n"
	"                      [--password P] [--likes L] [--reposts R]\n"
	"\n"
	"  --users N      accounts to create, named P00001, P00002, ...\n"
	"  --posts M      posts to create (reposts come on top)\n"
	"  --seed S       random seed; the same options give the same data (default 1)\n"
	"  --prefix P     username prefix (default user); use another one to add a second set\n"
	"  --images DIR   every image in DIR that the pipeline accepts (default: the six\n"
	"                 valid images of tests/data/images)\n"
	"  --password P   the password of every account (default beaubelle-demo)\n"
	"  --likes L      likes in all (default M)\n"
	"  --reposts R    reposts in all (default M/20)\n";

/* The valid pictures among tests/data/images; the rest of that folder are
 * hostile files kept for the pipeline's refusal tests. */
static const char *const seed_default_images[] = {
	"portrait.jpg", "still.png", "still.webp", "still.gif", "photo-gps-orient6.jpg", "anim.gif",
};

/* --- vocabulary */

static const char *const seed_ja_family[] = {
	"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
	"吉田", "山田", "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田",
};
static const char *const seed_ja_given[] = {
	"美咲", "さくら", "陽菜", "結衣", "葵", "凛", "芽衣", "七海", "彩", "愛",
	"真央", "千尋", "莉子", "ひなた", "ゆい", "あかり", "みゆ", "楓", "琴音", "遥",
};
static const char *const seed_ja_suffix[] = {
	"", "", "", "📷", " | ポートレート", "＠東京", "（写真）", " 🌸", " / フィルム",
};
static const char *const seed_en_first[] = {
	"Emma", "Olivia", "Mia", "Sophie", "Chloe", "Grace", "Lily", "Ava", "Hannah", "Zoe",
	"Lucas", "Noah", "Leo", "Ethan", "Kenji", "Yuki", "Mika", "Naomi", "Sara", "Julia",
};
static const char *const seed_en_last[] = {
	"Clarke", "Bennett", "Hayes", "Turner", "Parker", "Morgan", "Reed", "Brooks", "Ward", "Foster",
	"Kim", "Tanaka", "Sato", "Lee", "Moreau", "Rossi", "Novak", "Silva",
};
static const char *const seed_en_suffix[] = {
	"", "", "", " 📷", " | portraits", " ✦ film", " · Tokyo", " (she/her)",
};
static const char *const seed_ja_bio[] = {
	"東京在住のポートレート好き", "休日はフィルムカメラを持って散歩しています", "AIで理想の美女を描いています",
	"自然光ポートレートを撮っています", "夕方の光が一番好き", "撮影のご依頼はDMまで",
	"京都と大阪を中心に活動中", "写真とカフェ巡りが趣味", "毎日一枚ずつ投稿します",
	"モデルさん募集中です", "着物と桜の季節が好き", "フォローお気軽にどうぞ",
};
static const char *const seed_en_bio[] = {
	"Portrait photographer based in Tokyo.", "Film, golden hour and good coffee.",
	"Making AI portraits with soft light.", "Natural light only.", "Shooting 35mm on weekends.",
	"Bookings via DM.", "Collecting faces and stories.", "Street and portrait, mostly in Osaka.",
	"One photo a day.", "Lover of window light and quiet mornings.",
	"Fashion, beauty, and everything in between.", "Learning something new with every shot.",
};
static const char *const seed_ja_caption[] = {
	"夕方の光がきれいだった", "窓辺でのんびり撮影", "久しぶりのフィルム", "桜が満開でした",
	"今日のベストショット", "雨上がりの街で", "カフェで一枚", "新しいレンズを試してみた",
	"お気に入りの一枚です", "自然光だけで撮りました", "夏の終わりの空気感", "モノクロで撮ってみました",
	"京都の路地にて", "海辺の風が気持ちよかった", "週末の撮影から",
};
static const char *const seed_en_caption[] = {
	"Golden hour never disappoints.", "Soft window light this morning.", "Back to film for a while.",
	"Cherry blossoms were in full bloom.", "Today's favourite shot.", "After the rain.",
	"A quiet corner of the cafe.", "Trying out a new lens.", "One of my favourites so far.",
	"Natural light only.", "The last days of summer.", "Experimenting with black and white.",
	"Somewhere in Kyoto.", "Sea breeze and late sun.", "From last weekend's shoot.",
};
static const char *const seed_ja_alt[] = {
	"窓辺の柔らかな光に照らされた女性のポートレート", "桜の下で微笑む女性", "夕焼けを背にした人物のシルエット",
	"モノクロのポートレート",
};
static const char *const seed_en_alt[] = {
	"Portrait of a woman in soft window light", "A woman smiling under cherry blossoms",
	"Silhouette against the sunset", "Black and white portrait",
	"Close-up portrait with a blurred city background",
};
/* Most used first: tags are drawn by a Zipf law over this order. Every
 * name is a whole tag for richtext_hashtags() when it follows a space. */
static const char *const seed_tags[] = {
	"portrait", "ポートレート", "美女", "photography", "goldenhour", "写真好きな人と繋がりたい",
	"film", "model", "beauty", "東京", "tokyo", "fashion", "ファインダー越しの私の世界", "AI美女",
	"aiart", "フィルム写真", "filmphotography", "naturallight", "自然光", "桜", "sakura", "夕焼け",
	"sunset", "モノクロ", "bnw", "streetphoto", "京都", "kyoto", "着物", "kimono", "カフェ", "cafe",
	"makeup", "ファッション", "summer", "夏",
};

#define SEED_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SEED_NTAGS SEED_COUNT(seed_tags)

struct seed_opts {
	long users, posts, likes, reposts; /* likes, reposts: -1 for the default */
	unsigned long long seed;
	const char *prefix;
	const char *images; /* NULL: the default images */
	const char *password;
};

/* xoshiro256**, seeded through splitmix64: fast, and the same sequence
 * on every platform, which rand() does not promise. */
struct seed_rng {
	uint64_t s[4];
};

/* A draw from a discrete distribution: cumulative weights, binary search. */
struct seed_pick {
	double *cum;
	size_t n;
};

struct seed_repost {
	size_t user, original; /* indexes into users and the originals */
	long long created_ms;
};

struct seed_world {
	const struct seed_opts *o;
	const struct conf *conf;
	struct storage *store; /* while the images are loaded */
	long long now_ms;
	double t0, last_progress;
	struct arena *text; /* names, bios, captions: live until the end */
	size_t nusers;
	struct seed_user *users;
	unsigned long long *user_ids;
	size_t *pop_rank;
	size_t nfollows;
	struct seed_follow *follows; /* ids hold user indexes until converted */
	size_t *fol_start;           /* followers of user u: fol_list[fol_start[u] .. fol_start[u + 1]) */
	size_t *fol_list;
	size_t nimages;
	struct img_result img[SEED_MAX_IMAGES];
	struct seed_media media[SEED_MAX_IMAGES];
	size_t norig, nposts;
	struct seed_post *posts; /* user_id holds a user index until converted */
	unsigned long long *post_ids, *media_ids;
	size_t nlikes, nsuper;
	struct seed_like *likes; /* user_id, post_id hold indexes until converted */
	unsigned long long tag_ids[SEED_NTAGS];
};

/* --- random numbers */

static uint64_t seed_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A stream of its own per phase, so phases do not shift each other. */
static void seed_rng_init(struct seed_rng *r, unsigned long long seed, uint64_t phase)
{
	uint64_t x = (uint64_t)seed * 0x100000001B3ULL + phase;

	for (int i = 0; i < 4; i++)
		r->s[i] = seed_splitmix(&x);
}

static uint64_t seed_rng_next(struct seed_rng *r)
{
	uint64_t *s = r->s;
	uint64_t v = s[1] * 5;
	uint64_t t = s[1] << 17;

	v = ((v << 7) | (v >> 57)) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return v;
}

/* Uniform in [0, 1). */
static double seed_unit(struct seed_rng *r)
{
	return (double)(seed_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n); n > 0. */
static size_t seed_below(struct seed_rng *r, size_t n)
{
	return (size_t)(seed_unit(r) * (double)n);
}

/* Standard normal (Box-Muller; one of the pair is enough here). */
static double seed_normal(struct seed_rng *r)
{
	double u = 1.0 - seed_unit(r);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * seed_unit(r));
}

/* Exponential with the given mean. */
static double seed_exp(struct seed_rng *r, double mean)
{
	return -log(1.0 - seed_unit(r)) * mean;
}

/* Knuth's method for small means, a rounded normal past 30 (where the
 * two are indistinguishable for our purpose and Knuth's gets slow). */
static size_t seed_poisson(struct seed_rng *r, double mean)
{
	double limit, p = 1.0, v;
	size_t k = 0;

	if (mean <= 0)
		return 0;
	if (mean > 30) {
		v = floor(mean + sqrt(mean) * seed_normal(r) + 0.5);
		return v < 0 ? 0 : (size_t)v;
	}
	limit = exp(-mean);
	for (;;) {
		p *= seed_unit(r);
		if (p <= limit)
			return k;
		k++;
	}
}

#define SEED_PICK(r, list) ((list)[seed_below((r), SEED_COUNT(list))])

/* Prepare draws proportional to w[0..n); 0, or -1 when out of memory. */
static int seed_pick_init(struct seed_pick *p, const double *w, size_t n)
{
	double sum = 0;

	p->n = n;
	p->cum = malloc((n ? n : 1) * sizeof(*p->cum));
	if (!p->cum)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sum += w[i];
		p->cum[i] = sum;
	}
	return 0;
}

/* An index drawn with probability proportional to its weight; n > 0. */
static size_t seed_pick_draw(const struct seed_pick *p, struct seed_rng *r)
{
	double x = seed_unit(r) * p->cum[p->n - 1];
	size_t lo = 0, hi = p->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void seed_pick_release(struct seed_pick *p)
{
	free(p->cum);
	p->cum = NULL;
}

/* Zipf weights 1/(rank+1)^s for the given ranks. */
static double *seed_zipf(const size_t *rank, size_t n, double s)
{
	double *w = malloc((n ? n : 1) * sizeof(*w));

	if (w)
		for (size_t i = 0; i < n; i++)
			w[i] = pow((double)rank[i] + 1.0, -s);
	return w;
}

/* --- small helpers */

static double seed_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long seed_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One progress line per phase per second at most, and the last one. */
static void seed_progress(struct seed_world *w, const char *what, size_t done, size_t total)
{
	double t = seed_clock();

	if (done < total && t - w->last_progress < 1.0)
		return;
	w->last_progress = t;
	printf("seed: %s %zu/%zu (%.1f s)\n", what, done, total, t - w->t0);
	fflush(stdout);
}

static int seed_cmp_ll(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static int seed_cmp_follow(const void *a, const void *b)
{
	return seed_cmp_ll(((const struct seed_follow *)a)->created_ms, ((const struct seed_follow *)b)->created_ms);
}

static int seed_cmp_like(const void *a, const void *b)
{
	return seed_cmp_ll(((const struct seed_like *)a)->created_ms, ((const struct seed_like *)b)->created_ms);
}

static int seed_cmp_repost(const void *a, const void *b)
{
	return seed_cmp_ll(((const struct seed_repost *)a)->created_ms, ((const struct seed_repost *)b)->created_ms);
}

static int seed_cmp_time(const void *a, const void *b)
{
	return seed_cmp_ll(*(const long long *)a, *(const long long *)b);
}

/* The array p (of *cap elements of size bytes) with room for need,
 * doubling: p itself or a new block; NULL when out of memory, with p
 * still valid and *cap unchanged. */
static void *seed_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t want = *cap * 2 > need ? *cap * 2 : need + 4096;
	void *grown;

	if (need <= *cap)
		return p;
	grown = realloc(p, want * size);
	if (grown)
		*cap = want;
	return grown;
}

/* qsort, which must not be given the NULL of an empty array. */
static void seed_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* A random permutation of 0..n-1 (Fisher-Yates). */
static size_t *seed_permutation(struct seed_rng *r, size_t n)
{
	size_t *p = malloc((n ? n : 1) * sizeof(*p));

	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = seed_below(r, i), t = p[i - 1];

		p[i - 1] = p[j];
		p[j] = t;
	}
	return p;
}

/* --- options */

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 with *value set (and
 * *i past it), 0 when argv[*i] is another option, -1 when VALUE is missing. */
static int seed_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc)
			return -1;
		*value = argv[++*i];
		return 1;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*value = argv[*i] + n + 1;
		return 1;
	}
	return 0;
}

/* A whole decimal number in [0, max]; 0, or -1 for anything else. */
static int seed_number(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* 1 to 24 letters, digits or underscores: the usernames stay valid. */
static bool seed_prefix_valid(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > 24)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

/* Fill o from argv; 0, or -1 after printing what is wrong. */
static int seed_parse(int argc, char **argv, struct seed_opts *o)
{
	static const char *const names[] = { "--users", "--posts", "--seed", "--prefix", "--images",
					      "--password", "--likes", "--reposts" };
	long seed = 1;

	memset(o, 0, sizeof(*o));
	o->users = o->posts = o->likes = o->reposts = -1;
	o->prefix = "user";
	o->password = "beaubelle-demo";
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		size_t k;
		int rc = 0, bad = 0;

		for (k = 0; k < SEED_COUNT(names) && (rc = seed_opt(argc, argv, &i, names[k], &v)) == 0; k++)
			;
		if (rc <= 0) {
			fprintf(stderr, "beaubelle seed: %s %s\n", rc < 0 ? "missing value after" : "unknown option",
				argv[i]);
			return -1;
		}
		switch (k) {
		case 0: bad = seed_number(v, SEED_MAX_USERS, &o->users) || o->users < 1; break;
		case 1: bad = seed_number(v, SEED_MAX_POSTS, &o->posts); break;
		case 2: bad = seed_number(v, 0x7fffffffL, &seed); break;
		case 3: o->prefix = v; bad = !seed_prefix_valid(v); break;
		case 4: o->images = v; break;
		case 5: o->password = v; bad = v[0] == '\0' || strlen(v) > 256; break;
		case 6: bad = seed_number(v, SEED_MAX_POSTS * 10, &o->likes); break;
		case 7: bad = seed_number(v, SEED_MAX_POSTS, &o->reposts); break;
		}
		if (bad) {
			fprintf(stderr, "beaubelle seed: bad value for %s: %s\n", names[k], v);
			return -1;
		}
	}
	if (o->users < 0 || o->posts < 0) {
		fputs("beaubelle seed: --users and --posts are required\n", stderr);
		return -1;
	}
	o->seed = (unsigned long long)seed;
	if (o->likes < 0)
		o->likes = o->posts;
	if (o->reposts < 0)
		o->reposts = o->posts / 20;
	return 0;
}

/* --- images */

/* Run one file through the pipeline into the media root; kept when the
 * pipeline accepts it, as an upload of it would be. */
static void seed_add_image(struct seed_world *w, const char *dir, const char *name)
{
	struct img_result *res = &w->img[w->nimages];
	struct seed_media *m = &w->media[w->nimages];
	unsigned char sha[32];
	char path[4096];

	if (w->nimages >= SEED_MAX_IMAGES || (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	if (media_store_hash_file(path, sha) != 0 || img_process(path, sha, w->store, NULL, res) != IMG_OK)
		return;
	m->sha256 = res->hash;
	m->format = img_format_name(res->format);
	m->width = (unsigned int)res->width;
	m->height = (unsigned int)res->height;
	m->frames = (unsigned int)res->frames;
	m->feed_width = (unsigned int)res->variants[1].width;
	m->feed_height = (unsigned int)res->variants[1].height;
	m->thumb_width = (unsigned int)res->variants[2].width;
	m->thumb_height = (unsigned int)res->variants[2].height;
	m->bytes = 0;
	for (int i = 0; i < IMG_NVARIANTS; i++)
		m->bytes += res->variants[i].bytes;
	m->blurhash = res->blurhash;
	w->nimages++;
}

static int seed_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, by name, so the order (and the data) does
 * not depend on the file system's. */
static int seed_add_dir(struct seed_world *w, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.' || (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*names));

			if (!grown)
				break;
			names = grown;
		}
		names[n] = arena_strdup(w->text, e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	seed_sort(names, n, sizeof(*names), seed_cmp_str);
	for (size_t i = 0; i < n; i++)
		seed_add_image(w, dir, names[i]);
	free(names);
	return 0;
}

/*
 * Process the images once into the media root. Every media row then
 * points at one of these content-addressed sets of files, as rows of
 * people who uploaded the same picture do.
 */
static int seed_load_images(struct seed_world *w)
{
	const char *dir = w->o->images;
	struct stat st;

	struct buf err = BUF_INIT;
	int rc = -1;

	if (img_init("beaubelle") != 0) {
		fputs("beaubelle seed: the image pipeline (libvips) cannot start\n", stderr);
		return -1;
	}
	if (storage_open(w->conf, &w->store, &err) != 0) {
		fprintf(stderr, "beaubelle seed: %s\n", err.ptr ? err.ptr : "cannot open the media store");
		buf_release(&err);
		return -1;
	}
	if (dir) {
		if (seed_add_dir(w, dir) != 0) {
			fprintf(stderr, "beaubelle seed: cannot read %s: %s\n", dir, strerror(errno));
			goto out;
		}
	} else {
		/* Relative to where it runs (a checkout), else to the tree it
		 * was built from. */
		dir = stat("tests/data/images", &st) == 0 ? "tests/data/images" : SRCDIR "/tests/data/images";
		for (size_t i = 0; i < SEED_COUNT(seed_default_images); i++)
			seed_add_image(w, dir, seed_default_images[i]);
	}
	if (w->nimages == 0) {
		fprintf(stderr, "beaubelle seed: no image in %s that the pipeline accepts\n", dir);
		goto out;
	}
	printf("seed: %zu images from %s stored in %s\n", w->nimages, dir, storage_describe(w->store));
	rc = 0;
out:
	storage_free(w->store);
	w->store = NULL;
	return rc;
}

/* --- users */

/* "Family given", a given name with a flourish, or the English forms. */
static const char *seed_display_name(struct seed_world *w, struct seed_rng *r, bool ja)
{
	double u = seed_unit(r);

	if (ja && u < 0.5)
		return arena_printf(w->text, "%s %s", SEED_PICK(r, seed_ja_family), SEED_PICK(r, seed_ja_given));
	if (ja)
		return arena_printf(w->text, "%s%s", SEED_PICK(r, seed_ja_given), SEED_PICK(r, seed_ja_suffix));
	if (u < 0.6)
		return arena_printf(w->text, "%s %s", SEED_PICK(r, seed_en_first), SEED_PICK(r, seed_en_last));
	return arena_printf(w->text, "%s%s", SEED_PICK(r, seed_en_first), SEED_PICK(r, seed_en_suffix));
}

/* None, one or two sentences; some people write in both languages. */
static const char *seed_bio(struct seed_world *w, struct seed_rng *r, bool ja)
{
	double u = seed_unit(r);
	const char *first = ja ? SEED_PICK(r, seed_ja_bio) : SEED_PICK(r, seed_en_bio);

	if (u < 0.1)
		return "";
	if (u < 0.6)
		return first;
	if (u < 0.85)
		return arena_printf(w->text, ja ? "%s / %s" : "%s %s", first,
				    ja ? SEED_PICK(r, seed_ja_bio) : SEED_PICK(r, seed_en_bio));
	return arena_printf(w->text, "%s\n%s", first, ja ? SEED_PICK(r, seed_en_bio) : SEED_PICK(r, seed_ja_bio));
}

/*
 * The accounts, joined between 400 and 61 days ago in id order (so
 * every post, all within the last SEED_POST_DAYS days, comes after its
 * author joined). Usernames are fixed-width so they sort as numbers.
 */
static int seed_make_users(struct seed_world *w)
{
	long long span = 339 * SEED_DAY_MS, start = w->now_ms - 400 * SEED_DAY_MS;
	int width = snprintf(NULL, 0, "%zu", w->nusers);
	struct seed_rng r;

	seed_rng_init(&r, w->o->seed, 1);
	if (width < 5)
		width = 5;
	w->users = calloc(w->nusers, sizeof(*w->users));
	w->user_ids = calloc(w->nusers, sizeof(*w->user_ids));
	if (!w->users || !w->user_ids)
		return -1;
	for (size_t i = 0; i < w->nusers; i++) {
		struct seed_user *u = &w->users[i];
		bool ja = seed_unit(&r) < 0.55;

		u->username = arena_printf(w->text, "%s%0*zu", w->o->prefix, width, i + 1);
		u->email = arena_printf(w->text, "%s@seed.example", u->username);
		u->language = ja ? "ja" : "en";
		u->display_name = seed_display_name(w, &r, ja);
		u->bio = seed_bio(w, &r, ja);
		u->created_ms = start + (long long)(((double)i + seed_unit(&r)) * (double)span / (double)w->nusers);
		if (!u->username || !u->email || !u->display_name || !u->bio)
			return -1;
	}
	return 0;
}

/* --- follows */

/* Record a follow between user indexes and count it on both accounts. */
static int seed_push_follow(struct seed_world *w, size_t *cap, size_t follower, size_t followee, long long t)
{
	struct seed_follow *grown = seed_grow(w->follows, cap, w->nfollows + 1, sizeof(*w->follows));

	if (!grown)
		return -1;
	w->follows = grown;
	w->follows[w->nfollows].follower_id = follower;
	w->follows[w->nfollows].followee_id = followee;
	w->follows[w->nfollows].created_ms = t;
	w->nfollows++;
	w->users[follower].following_count++;
	w->users[followee].followers_count++;
	return 0;
}

/* The follower lists by followee, for choosing likers and reposters. */
static int seed_index_followers(struct seed_world *w)
{
	size_t *fill;

	w->fol_start = calloc(w->nusers + 1, sizeof(*w->fol_start));
	w->fol_list = malloc((w->nfollows ? w->nfollows : 1) * sizeof(*w->fol_list));
	fill = calloc(w->nusers, sizeof(*fill));
	if (!w->fol_start || !w->fol_list || !fill) {
		free(fill);
		return -1;
	}
	for (size_t u = 0; u < w->nusers; u++)
		w->fol_start[u + 1] = w->fol_start[u] + w->users[u].followers_count;
	for (size_t i = 0; i < w->nfollows; i++) {
		size_t e = (size_t)w->follows[i].followee_id;

		w->fol_list[w->fol_start[e] + fill[e]++] = (size_t)w->follows[i].follower_id;
	}
	free(fill);
	return 0;
}

/*
 * The follow graph (see the top of the file). A follow is dated between
 * the later of the two accounts' creation and now; the rows are sorted by
 * date so their ids grow with time, as real ones do.
 */
static int seed_make_follows(struct seed_world *w)
{
	size_t n = w->nusers, cap = 0, most = n > 1 ? (n - 1) / 2 : 0;
	size_t *mark = calloc(n, sizeof(*mark));
	double *weights;
	struct seed_pick pick = { NULL, 0 };
	struct seed_rng r;
	int rc = -1;

	seed_rng_init(&r, w->o->seed, 2);
	w->pop_rank = seed_permutation(&r, n);
	weights = w->pop_rank ? seed_zipf(w->pop_rank, n, 1.0) : NULL;
	if (most > SEED_MAX_FOLLOWING)
		most = SEED_MAX_FOLLOWING;
	if (!mark || !weights || seed_pick_init(&pick, weights, n) != 0)
		goto out;
	for (size_t i = 0; i < n && most > 0; i++) {
		double want_d = floor(exp(log(20.0) + seed_normal(&r)) + 0.5);
		size_t want = want_d < 1 ? 1 : want_d > (double)most ? most : (size_t)want_d;
		size_t got = 0;

		/* Rejection of self and repeats; bounded, since the head of a
		 * Zipf law is drawn again and again. */
		for (size_t tries = 0; got < want && tries < 20 * want + 100; tries++) {
			size_t j = seed_pick_draw(&pick, &r);
			long long lo;

			if (j == i || mark[j] == i + 1)
				continue;
			mark[j] = i + 1;
			lo = w->users[i].created_ms > w->users[j].created_ms ? w->users[i].created_ms
									      : w->users[j].created_ms;
			if (seed_push_follow(w, &cap, i, j, lo + (long long)(seed_unit(&r) * (double)(w->now_ms - lo))) != 0)
				goto out;
			got++;
		}
	}
	seed_sort(w->follows, w->nfollows, sizeof(*w->follows), seed_cmp_follow);
	rc = seed_index_followers(w);
out:
	seed_pick_release(&pick);
	free(weights);
	free(mark);
	return rc;
}

/* --- posts */

/* Append s to dst (cap bytes) if it fits whole. */
static void seed_cat(char *dst, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > cap)
		return;
	memcpy(dst + *len, s, n + 1);
	*len += n;
}

/*
 * A caption in the author's language (mostly), then one to four distinct
 * hashtags, each after a space so it parses as a whole tag. The tags go
 * to p->tags as well, so post_hashtags matches what the caption shows.
 */
static const char *seed_caption(struct seed_world *w, struct seed_rng *r, const struct seed_pick *tags,
				struct seed_post *p, bool ja)
{
	char text[512];
	size_t len = 0, want = 1 + seed_below(r, SEED_STORE_MAX_TAGS);

	text[0] = '\0';
	if (seed_unit(r) < 0.15)
		ja = !ja;
	if (seed_unit(r) < 0.85)
		seed_cat(text, sizeof(text), &len, ja ? SEED_PICK(r, seed_ja_caption) : SEED_PICK(r, seed_en_caption));
	for (size_t tries = 0; p->ntags < want && tries < 20; tries++) {
		unsigned short t = (unsigned short)seed_pick_draw(tags, r);
		bool seen = false;

		for (size_t k = 0; k < p->ntags; k++)
			seen = seen || p->tags[k] == t;
		if (seen)
			continue;
		p->tags[p->ntags++] = t;
		seed_cat(text, sizeof(text), &len, len ? " #" : "#");
		seed_cat(text, sizeof(text), &len, seed_tags[t]);
	}
	return arena_strndup(w->text, text, len);
}

struct seed_key {
	double key;
	size_t index;
};

static int seed_cmp_key(const void *a, const void *b)
{
	double x = ((const struct seed_key *)a)->key, y = ((const struct seed_key *)b)->key;

	return x < y ? -1 : x > y;
}

/* Weights of the authors: Zipf over an activity rank that follows the
 * popularity rank loosely (log-rank plus noise). */
static double *seed_activity(struct seed_world *w, struct seed_rng *r)
{
	struct seed_key *keys = malloc(w->nusers * sizeof(*keys));
	size_t *rank = calloc(w->nusers, sizeof(*rank));
	double *weights = NULL;

	if (keys && rank) {
		for (size_t i = 0; i < w->nusers; i++) {
			keys[i].key = log((double)w->pop_rank[i] + 1.0) + 1.5 * seed_normal(r);
			keys[i].index = i;
		}
		seed_sort(keys, w->nusers, sizeof(*keys), seed_cmp_key);
		for (size_t k = 0; k < w->nusers; k++)
			rank[keys[k].index] = k;
		weights = seed_zipf(rank, w->nusers, 0.6);
	}
	free(keys);
	free(rank);
	return weights;
}

/* The original posts, sorted by time, with authors, images and captions. */
static int seed_make_originals(struct seed_world *w, struct seed_post *orig, size_t n)
{
	long long span = SEED_POST_DAYS * SEED_DAY_MS - 60000, start = w->now_ms - SEED_POST_DAYS * SEED_DAY_MS;
	long long *times = malloc((n ? n : 1) * sizeof(*times));
	double tag_w[SEED_NTAGS], *act;
	struct seed_pick authors = { NULL, 0 }, tags = { NULL, 0 };
	struct seed_rng r;
	int rc = -1;

	seed_rng_init(&r, w->o->seed, 3);
	for (size_t t = 0; t < SEED_NTAGS; t++)
		tag_w[t] = pow((double)t + 1.0, -0.8);
	act = seed_activity(w, &r);
	if (!times || !act || seed_pick_init(&authors, act, w->nusers) != 0 ||
	    seed_pick_init(&tags, tag_w, SEED_NTAGS) != 0)
		goto out;
	for (size_t k = 0; k < n; k++)
		times[k] = start + (long long)(seed_unit(&r) * (double)span);
	seed_sort(times, n, sizeof(*times), seed_cmp_time);
	for (size_t k = 0; k < n; k++) {
		struct seed_post *p = &orig[k];
		size_t a = seed_pick_draw(&authors, &r);
		bool ja = w->users[a].language[0] == 'j';

		p->user_id = a;
		p->original = SEED_STORE_NONE;
		p->media = &w->media[seed_below(&r, w->nimages)];
		p->created_ms = times[k];
		p->caption = seed_caption(w, &r, &tags, p, ja);
		p->alt = seed_unit(&r) < 0.3 ? (ja ? SEED_PICK(&r, seed_ja_alt) : SEED_PICK(&r, seed_en_alt)) : "";
		if (!p->caption)
			goto out;
		w->users[a].posts_count++;
	}
	rc = 0;
out:
	seed_pick_release(&authors);
	seed_pick_release(&tags);
	free(act);
	free(times);
	return rc;
}

/* Someone who might like or repost a post by author a: one of a's
 * followers mostly (small accounts get relatively more from Explore). */
static size_t seed_fan(struct seed_world *w, struct seed_rng *r, size_t a)
{
	size_t f = w->users[a].followers_count;

	if (f && seed_unit(r) < (double)f / ((double)f + 20.0))
		return w->fol_list[w->fol_start[a] + seed_below(r, f)];
	return seed_below(r, w->nusers);
}

/* A moment after t (mean delay mean_ms, at least 1 s), never after now;
 * -1 when the post is too recent to have one. */
static long long seed_after(struct seed_world *w, struct seed_rng *r, long long t, double mean_ms)
{
	long long d = 1000 + (long long)seed_exp(r, mean_ms);

	if (w->now_ms - t <= 2000)
		return -1;
	if (t + d > w->now_ms)
		d = 1000 + (long long)(seed_unit(r) * (double)(w->now_ms - t - 1000));
	return t + d;
}

/*
 * Likes and reposts of the originals (see the top of the file). Likes
 * refer to originals by index for now; reposts are returned separately
 * and merged into the timeline of posts by seed_merge_posts().
 */
static int seed_make_engagement(struct seed_world *w, struct seed_post *orig, size_t n,
				struct seed_repost **reposts, size_t *nreposts)
{
	double *weight = malloc((n ? n : 1) * sizeof(*weight)), total = 0;
	size_t *lmark = calloc(w->nusers, sizeof(*lmark)), *rmark = calloc(w->nusers, sizeof(*rmark));
	size_t lcap = 0, rcap = 0;
	struct seed_rng r;
	int rc = -1;

	seed_rng_init(&r, w->o->seed, 4);
	*reposts = NULL;
	*nreposts = 0;
	if (!weight || !lmark || !rmark)
		goto out;
	for (size_t k = 0; k < n; k++) {
		weight[k] = pow((double)w->users[orig[k].user_id].followers_count + 5.0, 0.8) * exp(0.9 * seed_normal(&r));
		total += weight[k];
	}
	for (size_t k = 0; k < n; k++) {
		struct seed_post *p = &orig[k];
		size_t a = (size_t)p->user_id;
		size_t nl = seed_poisson(&r, (double)w->o->likes * weight[k] / total);
		size_t nr = seed_poisson(&r, (double)w->o->reposts * weight[k] / total);

		for (size_t tries = 0, got = 0; got < nl && tries < 4 * nl + 20; tries++) {
			size_t u = seed_fan(w, &r, a);
			long long t = seed_after(w, &r, p->created_ms, 6.0 * SEED_HOUR_MS);
			struct seed_like *l;

			if (t < 0)
				break;
			if (u == a || lmark[u] == k + 1)
				continue;
			lmark[u] = k + 1;
			l = seed_grow(w->likes, &lcap, w->nlikes + 1, sizeof(*w->likes));
			if (!l)
				goto out;
			w->likes = l;
			l = &w->likes[w->nlikes++];
			l->user_id = u;
			l->post_id = k;
			l->created_ms = t;
			l->super = seed_unit(&r) < 0.05;
			p->likes_count++;
			p->superlikes_count += l->super;
			w->nsuper += l->super;
			got++;
		}
		for (size_t tries = 0, got = 0; got < nr && tries < 4 * nr + 20; tries++) {
			size_t u = seed_fan(w, &r, a);
			long long t = seed_after(w, &r, p->created_ms, 10.0 * SEED_HOUR_MS);
			struct seed_repost *rp;

			if (t < 0)
				break;
			if (u == a || rmark[u] == k + 1)
				continue;
			rmark[u] = k + 1;
			rp = seed_grow(*reposts, &rcap, *nreposts + 1, sizeof(**reposts));
			if (!rp)
				goto out;
			*reposts = rp;
			rp = &(*reposts)[(*nreposts)++];
			rp->user = u;
			rp->original = k;
			rp->created_ms = t;
			p->reposts_count++;
			got++;
		}
	}
	rc = 0;
out:
	free(weight);
	free(lmark);
	free(rmark);
	return rc;
}

/*
 * Merge originals and reposts into one array in time order, so post ids
 * grow with created_at as they do when people post. A repost is always
 * later than its original, so the original's index is smaller. Likes are
 * re-pointed from original indexes to merged ones.
 */
static int seed_merge_posts(struct seed_world *w, struct seed_post *orig, size_t norig,
			    struct seed_repost *rp, size_t nrp)
{
	size_t *where = malloc((norig ? norig : 1) * sizeof(*where));
	size_t i = 0, j = 0, k = 0;

	w->nposts = norig + nrp;
	w->posts = calloc(w->nposts ? w->nposts : 1, sizeof(*w->posts));
	w->post_ids = calloc(w->nposts ? w->nposts : 1, sizeof(*w->post_ids));
	w->media_ids = calloc(w->nposts ? w->nposts : 1, sizeof(*w->media_ids));
	if (!where || !w->posts || !w->post_ids || !w->media_ids) {
		free(where);
		return -1;
	}
	seed_sort(rp, nrp, sizeof(*rp), seed_cmp_repost);
	while (i < norig || j < nrp) {
		if (j >= nrp || (i < norig && orig[i].created_ms <= rp[j].created_ms)) {
			where[i] = k;
			w->posts[k++] = orig[i++];
			continue;
		}
		w->posts[k].user_id = rp[j].user;
		w->posts[k].original = where[rp[j].original];
		w->posts[k].caption = "";
		w->posts[k].alt = "";
		w->posts[k].created_ms = rp[j].created_ms;
		k++;
		j++;
	}
	for (size_t l = 0; l < w->nlikes; l++)
		w->likes[l].post_id = where[w->likes[l].post_id];
	free(where);
	return 0;
}

/* Originals, their likes and reposts, merged into w->posts; the likes
 * sorted by time so their ids grow with it too. */
static int seed_make_posts(struct seed_world *w)
{
	size_t n = (size_t)w->o->posts, nrp = 0;
	struct seed_post *orig = calloc(n ? n : 1, sizeof(*orig));
	struct seed_repost *rp = NULL;
	int rc = -1;

	w->norig = n;
	if (orig && seed_make_originals(w, orig, n) == 0 && seed_make_engagement(w, orig, n, &rp, &nrp) == 0 &&
	    seed_merge_posts(w, orig, n, rp, nrp) == 0)
		rc = 0;
	if (rc == 0)
		seed_sort(w->likes, w->nlikes, sizeof(*w->likes), seed_cmp_like);
	free(orig);
	free(rp);
	return rc;
}

/* --- writing */

/* Say which step failed and why; -1. */
static int seed_fail(struct seed_store *s, const char *what)
{
	fprintf(stderr, "beaubelle seed: %s failed: %s\n", what, seed_store_error(s));
	return -1;
}

/* Refuse to add a second set under the same names. */
static int seed_check_free(struct seed_world *w, struct seed_store *s)
{
	char found[64];
	int rc = seed_store_find_user(s, w->users[0].username, w->users[w->nusers - 1].username, found,
				      sizeof(found));

	if (rc < 0)
		return seed_fail(s, "looking for existing accounts");
	if (rc > 0) {
		fprintf(stderr,
			"beaubelle seed: %s exists; seed an empty database or use --prefix to add another set\n",
			found);
		return -1;
	}
	return 0;
}

/* The follows, once the accounts have ids, SEED_FOLLOW_CHUNK per
 * transaction. */
static int seed_write_follows(struct seed_world *w, struct seed_store *s)
{
	for (size_t i = 0; i < w->nfollows; i++) {
		w->follows[i].follower_id = w->user_ids[w->follows[i].follower_id];
		w->follows[i].followee_id = w->user_ids[w->follows[i].followee_id];
	}
	for (size_t from = 0; from < w->nfollows; from += SEED_FOLLOW_CHUNK) {
		size_t n = w->nfollows - from < SEED_FOLLOW_CHUNK ? w->nfollows - from : SEED_FOLLOW_CHUNK;

		if (seed_store_follows(s, w->follows + from, n) != DB_OK)
			return seed_fail(s, "inserting follows");
		seed_progress(w, "follows", from + n, w->nfollows);
	}
	return 0;
}

/* The posts and reposts with their media rows and hashtags, in time
 * order, SEED_POST_CHUNK per transaction. */
static int seed_write_posts(struct seed_world *w, struct seed_store *s)
{
	for (size_t i = 0; i < w->nposts; i++)
		w->posts[i].user_id = w->user_ids[w->posts[i].user_id];
	for (size_t from = 0; from < w->nposts; from += SEED_POST_CHUNK) {
		size_t to = w->nposts - from < SEED_POST_CHUNK ? w->nposts : from + SEED_POST_CHUNK;

		if (seed_store_posts(s, w->posts, from, to, w->tag_ids, w->post_ids, w->media_ids) != DB_OK)
			return seed_fail(s, "inserting posts");
		seed_progress(w, "posts and reposts", to, w->nposts);
	}
	return 0;
}

/* The likes, once posts have ids, SEED_LIKE_CHUNK per transaction. */
static int seed_write_likes(struct seed_world *w, struct seed_store *s)
{
	for (size_t i = 0; i < w->nlikes; i++) {
		w->likes[i].user_id = w->user_ids[w->likes[i].user_id];
		w->likes[i].post_id = w->post_ids[w->likes[i].post_id];
	}
	for (size_t from = 0; from < w->nlikes; from += SEED_LIKE_CHUNK) {
		size_t n = w->nlikes - from < SEED_LIKE_CHUNK ? w->nlikes - from : SEED_LIKE_CHUNK;

		if (seed_store_likes(s, w->likes + from, n) != DB_OK)
			return seed_fail(s, "inserting likes");
		seed_progress(w, "likes", from + n, w->nlikes);
	}
	return 0;
}

/*
 * Write everything. The accounts go in one transaction, so a clash with
 * an account created meanwhile leaves nothing behind; the rest follows in
 * transactions of a few thousand rows.
 */
static int seed_write(struct seed_world *w, struct seed_store *s)
{
	char hash[PW_HASH_MAX];

	/* One Argon2id hash for everybody: hashing per account at the
	 * configured cost would take minutes for ten thousand. */
	if (pw_hash(hash, w->o->password, strlen(w->o->password), (unsigned long long)w->conf->argon2_ops,
		    w->conf->argon2_memory) != 0) {
		fputs("beaubelle seed: out of memory hashing the password\n", stderr);
		return -1;
	}
	if (seed_store_hashtags(s, seed_tags, SEED_NTAGS, w->tag_ids) != DB_OK)
		return seed_fail(s, "creating hashtags");
	if (seed_store_users(s, w->users, w->nusers, hash, w->user_ids) != DB_OK)
		return seed_fail(s, "inserting users");
	seed_progress(w, "users", w->nusers, w->nusers);
	if (seed_write_follows(w, s) == 0 && seed_write_posts(w, s) == 0 && seed_write_likes(w, s) == 0)
		return 0;
	/* Leave nothing half-seeded behind, so the same command can simply
	 * be run again. */
	if (seed_store_remove_users(s, w->user_ids, w->nusers) == DB_OK)
		fputs("beaubelle seed: the accounts seeded so far were removed again\n", stderr);
	else
		fprintf(stderr, "beaubelle seed: %s; remove the partial set with "
			"DELETE FROM users WHERE username BETWEEN '%s' AND '%s'\n",
			seed_store_error(s), w->users[0].username, w->users[w->nusers - 1].username);
	return -1;
}

/* Drop every cached home timeline: each is rebuilt from MariaDB when it
 * is next read, so none can keep ids from before the seed. */
static int seed_drop_timelines(struct seed_world *w, unsigned long long *dropped)
{
	struct rds *r = rds_open(w->conf, NULL);
	int rc = r ? seed_store_drop_timelines(r, dropped) : -1;

	rds_close(r);
	if (rc != 0)
		fputs("beaubelle seed: cannot reach Redis to drop the cached home timelines; "
		      "they may show posts from before the seed until they expire\n",
		      stderr);
	return rc;
}

static void seed_world_release(struct seed_world *w)
{
	free(w->users);
	free(w->user_ids);
	free(w->pop_rank);
	free(w->follows);
	free(w->fol_start);
	free(w->fol_list);
	free(w->posts);
	free(w->post_ids);
	free(w->media_ids);
	free(w->likes);
	arena_free(w->text);
}

/*
 * Check, generate, write, drop the cached timelines, report. The name
 * check comes before anything is stored, the images included. Returns
 * the exit status.
 */
static int seed_run(const struct seed_opts *o, const struct conf *c)
{
	struct seed_world w;
	struct seed_store *s = NULL;
	struct buf err = BUF_INIT;
	unsigned long long dropped = 0;
	int rc = 1;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.conf = c;
	w.t0 = seed_clock();
	w.now_ms = seed_wall_ms();
	w.nusers = (size_t)o->users;
	w.text = arena_new(1 << 20);
	if (!w.text || seed_make_users(&w) != 0) {
		fputs("beaubelle seed: out of memory\n", stderr);
		goto out;
	}
	s = seed_store_open(c, &err);
	if (!s) {
		fprintf(stderr, "beaubelle seed: %s\n", err.ptr ? err.ptr : "cannot open the database");
		goto out;
	}
	if (seed_check_free(&w, s) != 0 || seed_load_images(&w) != 0)
		goto out;
	if (seed_make_follows(&w) != 0 || seed_make_posts(&w) != 0) {
		fputs("beaubelle seed: out of memory\n", stderr);
		goto out;
	}
	printf("seed: generated %zu users, %zu follows, %zu posts, %zu reposts, %zu likes (%.1f s)\n", w.nusers,
	       w.nfollows, w.norig, w.nposts - w.norig, w.nlikes, seed_clock() - w.t0);
	fflush(stdout);
	if (seed_write(&w, s) != 0)
		goto out;
	rc = seed_drop_timelines(&w, &dropped) == 0 ? 0 : 1;
	printf("seed: done: %zu users, %zu follows, %zu posts, %zu reposts, %zu likes (%zu super likes), "
	       "%llu cached timelines dropped, %.1f s\n",
	       w.nusers, w.nfollows, w.norig, w.nposts - w.norig, w.nlikes, w.nsuper, dropped, seed_clock() - w.t0);
out:
	seed_store_close(s);
	seed_world_release(&w);
	buf_release(&err);
	return rc;
}

int seed_cmd(const char *config, int argc, char **argv)
{
	struct seed_opts o;
	struct buf err = BUF_INIT;
	struct conf *c;
	enum log_level level = BB_LOG_WARN;
	int rc;

	if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		fputs(seed_usage, stdout);
		return 0;
	}
	if (seed_parse(argc, argv, &o) != 0) {
		fputs(seed_usage, stderr);
		return 2;
	}
	c = conf_load(config, &err);
	if (!c) {
		fprintf(stderr, "beaubelle seed: configuration: %s\n", err.ptr);
		buf_release(&err);
		return 1;
	}
	log_level_parse(c->log_level, &level);
	log_init("beaubelle", level > BB_LOG_WARN ? BB_LOG_WARN : level);
	rc = seed_run(&o, c);
	conf_free(c);
	buf_release(&err);
	return rc;
}
