#include <stdint.h>

#include "server/pool.h"
#include "tap.h"

int main(void)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	int distinct = 0;
	char seen[101] = { 0 };

	is_int(pool_recycle_after(0, 12345), 0, "0 (never recycle) stays 0");
	is_int(pool_recycle_after(5, 7), 5, "below 10 there is no room for 10%%: exact");
	is_int(pool_recycle_after(500, 0), 450, "the smallest pick is 10%% below");
	is_int(pool_recycle_after(500, 100), 550, "the largest pick is 10%% above");
	is_int(pool_recycle_after(500, 101), 450, "picks wrap around inside the range");
	for (uint32_t r = 0; r < 5000; r++) {
		uint64_t n = pool_recycle_after(500, r * 2654435761u);

		if (n < lo)
			lo = n;
		if (n > hi)
			hi = n;
		if (n >= 450 && n <= 550 && !seen[n - 450]++)
			distinct++;
	}
	ok(lo == 450 && hi == 550, "random picks stay within 450..550 and reach both ends");
	ok(distinct > 90, "random picks spread over the range (%d of 101 values)", distinct);
	is_int(pool_recycle_after(100000000, UINT32_MAX) <= 110000000, 1, "the largest setting does not overflow");
	return done_testing();
}
