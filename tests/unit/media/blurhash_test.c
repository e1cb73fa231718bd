/*
 * blurhash_encode against vectors from the reference encoder: the
 * published TypeScript package (woltapp/blurhash, npm "blurhash" 2.0.5)
 * run on the synthetic pictures built below. For the checker picture
 * the vectors come from that encoder with its maximum taken over
 * absolute values, as the reference C and Swift encoders do (plain
 * TypeScript takes the largest signed value and differs there).
 */
#include <stdlib.h>
#include <string.h>

#include "media/blurhash.h"
#include "tap.h"

struct picture {
	const char *name;
	size_t w, h;
	unsigned char *px; /* RGBA */
};

static unsigned long rnd_state;

/* Park–Miller: exact in JavaScript doubles too, which made the vectors. */
static unsigned char rnd(void)
{
	rnd_state = rnd_state * 48271 % 2147483647;
	return (unsigned char)(rnd_state & 255);
}

static void picture_make(struct picture *p, const char *name, size_t w, size_t h)
{
	p->name = name;
	p->w = w;
	p->h = h;
	p->px = calloc(w * h, 4);
	rnd_state = 1;
	for (size_t y = 0; y < h; y++) {
		for (size_t x = 0; x < w; x++) {
			unsigned char *o = p->px + 4 * (y * w + x);

			o[3] = 255;
			if (strcmp(name, "solid") == 0) {
				o[0] = 200, o[1] = 100, o[2] = 50;
			} else if (strcmp(name, "gradient") == 0) {
				o[0] = (unsigned char)(x * 255 / 31);
				o[1] = (unsigned char)(y * 10);
				o[2] = (unsigned char)(255 - x * 255 / 31);
			} else if (strcmp(name, "checker") == 0) {
				unsigned char v = (((x >> 2) + (y >> 2)) & 1) ? 255 : 0;

				o[0] = o[1] = o[2] = v;
			} else if (strcmp(name, "noise") == 0) {
				o[0] = rnd();
				o[1] = rnd();
				o[2] = rnd();
			} else { /* dark-right */
				int left = x < 12;

				o[0] = left ? 240 : 10;
				o[1] = left ? 230 : 20;
				o[2] = left ? 220 : 30;
			}
		}
	}
}

static const struct {
	const char *picture;
	size_t w, h;
	int cx, cy;
	const char *hash;
} vectors[] = {
	{ "solid", 8, 8, 4, 4, "UNM|T9}XfQ}X}XsofQsofQfQfQfQ}XsofQso" },
	{ "solid", 8, 8, 4, 3, "LNM|T9}XfQ}X}XsofQsofQfQfQfQ" },
	{ "solid", 8, 8, 1, 1, "00M|T9" },
	{ "gradient", 32, 24, 4, 4, "U.HeCI2zw%XAmHWYjuf8gJfjfQfjn,WrjufR" },
	{ "gradient", 32, 24, 4, 3, "L.HeCI2zw%XAmHWYjuf8gJfjfQfj" },
	{ "gradient", 32, 24, 1, 1, "00HeCI" },
	{ "gradient", 32, 24, 9, 9,
	  "|.HeCI2zw%XAb0ogWsogWsmHWYjuf8fRf8fRf8fRgJfjfQfjfQfjfQfjfQn,WrjufRfRfRfRfRfRf7fQfQfQ"
	  "fQfQfQfQfQofWrjufRfRfRfRfRfRe;fQfQfQfQfQfQfQfQofWrjufRfRfRfRfRfRe;fQfQfQfQfQfQfQfQ" },
	{ "checker", 16, 16, 4, 4, "UdLqe9%MfQ%M%MIUfQ9FfQfQfQfQ%M9FfQ00" },
	{ "checker", 16, 16, 4, 3, "LKLqe9-;fQ-;-;D%fQ00fQfQfQfQ" },
	{ "noise", 20, 20, 4, 4, "UAHetSuhKE=#?RWao_V~nx$SRXSy$.NsStpm" },
	{ "noise", 20, 20, 4, 3, "LAHetSuhKE=#?RWao_V~nx$SRXSy" },
	{ "noise", 20, 20, 9, 9,
	  "|CHetSp^Oi=#M,?=TJ}aTD?9a*o_V~RlTCkkx.L0ny$SRXSyk$xSJ.nhRS$-SJX1pn%dpZRWv}k=xsrZxAjZx"
	  "mkhWA#=Xn}bb]XgVeTV$%WH--xTocXxx-xIb.SaTKoetdySO-rEjYa+$_S^oMTAMiK4m@Omi,gNTDrxKP" },
	{ "dark-right", 24, 16, 4, 4, "U~KUAx~qt7IVt7ofj[ayfQfQfQfQt7ofj[ay" },
	{ "dark-right", 24, 16, 1, 1, "00KUAx" },
};

int main(void)
{
	char out[BLURHASH_MAX_LEN + 1];
	unsigned char *rgb;
	struct picture p;
	int n;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		picture_make(&p, vectors[i].picture, vectors[i].w, vectors[i].h);
		n = blurhash_encode(p.px, p.w, p.h, p.w * 4, 4, vectors[i].cx, vectors[i].cy,
				    out, sizeof(out));
		is_str(n > 0 ? out : NULL, vectors[i].hash, "%s %zux%zu, %dx%d components",
		       p.name, p.w, p.h, vectors[i].cx, vectors[i].cy);
		is_int(n, (int)strlen(vectors[i].hash), "%s: length returned", p.name);
		free(p.px);
	}

	/* The same picture as packed RGB and as RGBA rows with padding. */
	picture_make(&p, "noise", 20, 20);
	rgb = malloc(20 * 20 * 3);
	for (size_t k = 0; k < 20 * 20; k++)
		memcpy(rgb + 3 * k, p.px + 4 * k, 3);
	n = blurhash_encode(rgb, 20, 20, 60, 3, 4, 4, out, sizeof(out));
	is_str(n > 0 ? out : NULL, "UAHetSuhKE=#?RWao_V~nx$SRXSy$.NsStpm",
	       "3 channels give the same hash as 4");
	free(rgb);
	rgb = calloc(20, 100);
	for (size_t y = 0; y < 20; y++)
		memcpy(rgb + y * 100, p.px + y * 80, 80);
	n = blurhash_encode(rgb, 20, 20, 100, 4, 4, 4, out, sizeof(out));
	is_str(n > 0 ? out : NULL, "UAHetSuhKE=#?RWao_V~nx$SRXSy$.NsStpm",
	       "a stride longer than the row is honoured");
	free(rgb);

	ok(blurhash_encode(p.px, 20, 20, 80, 4, 0, 4, out, sizeof(out)) == -1,
	   "0 components refused");
	ok(blurhash_encode(p.px, 20, 20, 80, 4, 10, 4, out, sizeof(out)) == -1,
	   "10 components refused");
	ok(blurhash_encode(p.px, 20, 20, 79, 4, 4, 4, out, sizeof(out)) == -1,
	   "stride shorter than a row refused");
	ok(blurhash_encode(p.px, 0, 20, 80, 4, 4, 4, out, sizeof(out)) == -1,
	   "empty picture refused");
	ok(blurhash_encode(p.px, 20, 20, 80, 4, 4, 4, out, 36) == -1,
	   "output one byte too short refused");
	ok(blurhash_encode(p.px, 20, 20, 80, 4, 4, 4, out, 37) == 36,
	   "output of exactly 4 + 2*16 + 1 bytes is enough");
	ok(blurhash_encode(p.px, 20, 20, 80, 2, 4, 4, out, sizeof(out)) == -1,
	   "fewer than 3 channels refused");
	free(p.px);
	return done_testing();
}
