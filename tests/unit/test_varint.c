/* Unit tests: multiformats unsigned varint (gst/libp2p/varint.h).
 * Vectors: multiformats/unsigned-varint README and
 * ../shared/spec/mss-webrtc-reference.md section a.1. */
#include "varint.h"
#include "hex.h"

static void
check_encode (guint64 v, const gchar * want_hex)
{
  guint8 out[LP2P_VARINT_MAX_BYTES];
  gsize n = lp2p_varint_encode (v, out);
  g_autoptr (GBytes) want = hex (want_hex);
  guint64 back = 0;
  gsize used = 0;

  assert_bytes_eq (out, n, want);
  g_assert_cmpuint (lp2p_varint_size (v), ==, n);
  g_assert_cmpint (lp2p_varint_decode (out, n, LP2P_VARINT_MAX_BYTES, &back,
          &used), ==, LP2P_VARINT_OK);
  g_assert_cmpuint (back, ==, v);
  g_assert_cmpuint (used, ==, n);
}

static void
test_encodes_spec_vectors (void)
{
  check_encode (0, "00");
  check_encode (1, "01");
  check_encode (127, "7f");
  check_encode (128, "80 01");
  check_encode (255, "ff 01");
  check_encode (300, "ac 02");
  check_encode (16384, "80 80 01");
  check_encode (19, "13");
  check_encode (200, "c8 01");
  check_encode (16383, "ff 7f");
  check_encode (16388, "84 80 01");
  check_encode (65536, "80 80 04");
  check_encode (LP2P_VARINT_MAX_VALUE, "ff ff ff ff ff ff ff ff 7f");
}

static Lp2pVarintResult
decode_hex (const gchar * h, gsize max_bytes, guint64 * v, gsize * used)
{
  g_autoptr (GBytes) b = hex (h);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  return lp2p_varint_decode (d, len, max_bytes, v, used);
}

/* multiformats: "the encoding MUST be minimal" (spec case 20: 80 00). */
static void
test_rejects_non_minimal (void)
{
  guint64 v;
  gsize used;

  g_assert_cmpint (decode_hex ("80 00", 9, &v, &used), ==,
      LP2P_VARINT_INVALID);
  g_assert_cmpint (decode_hex ("81 80 00", 9, &v, &used), ==,
      LP2P_VARINT_INVALID);
  g_assert_cmpint (decode_hex ("ff 00", 9, &v, &used), ==,
      LP2P_VARINT_INVALID);
}

/* multiformats: at most 9 bytes; a tenth byte is never waited for. */
static void
test_rejects_more_than_nine_bytes (void)
{
  guint64 v;
  gsize used;

  g_assert_cmpint (decode_hex ("80 80 80 80 80 80 80 80 80 01", 9, &v, &used),
      ==, LP2P_VARINT_INVALID);
  g_assert_cmpint (decode_hex ("80 80 80 80 80 80 80 80 80", 9, &v, &used),
      ==, LP2P_VARINT_INVALID);
}

/* Truncated input is "need more", distinct from invalid. */
static void
test_truncated_needs_more (void)
{
  guint64 v = 42;
  gsize used = 42;

  g_assert_cmpint (decode_hex ("", 9, &v, &used), ==, LP2P_VARINT_NEED_MORE);
  g_assert_cmpint (decode_hex ("80", 9, &v, &used), ==, LP2P_VARINT_NEED_MORE);
  g_assert_cmpint (decode_hex ("ff ff", 9, &v, &used), ==,
      LP2P_VARINT_NEED_MORE);
  g_assert_cmpuint (v, ==, 42);
  g_assert_cmpuint (used, ==, 42);
}

/* Spec case 19: a multistream length over 2 bytes is a violation, at once. */
static void
test_max_bytes_cap (void)
{
  guint64 v;
  gsize used;

  g_assert_cmpint (decode_hex ("80 80 80 01", 2, &v, &used), ==,
      LP2P_VARINT_INVALID);
  g_assert_cmpint (decode_hex ("80 80", 2, &v, &used), ==,
      LP2P_VARINT_INVALID);
  g_assert_cmpint (decode_hex ("ff 7f", 2, &v, &used), ==, LP2P_VARINT_OK);
  g_assert_cmpuint (v, ==, 16383);
}

static void
test_decode_stops_at_first_varint (void)
{
  guint64 v;
  gsize used;

  g_assert_cmpint (decode_hex ("ac 02 ff", 9, &v, &used), ==, LP2P_VARINT_OK);
  g_assert_cmpuint (v, ==, 300);
  g_assert_cmpuint (used, ==, 2);
}

/* Property: random values round-trip, and every proper prefix needs more. */
static void
test_roundtrip_random (void)
{
  GRand *r = g_rand_new_with_seed (0x1ee7);
  guint i;

  for (i = 0; i < 20000; i++) {
    guint bits = g_rand_int_range (r, 0, 64);
    guint64 v = (((guint64) g_rand_int (r) << 32) | g_rand_int (r));
    guint8 out[LP2P_VARINT_MAX_BYTES];
    guint64 back;
    gsize n, used, k;

    v = bits == 0 ? 0 : v >> (64 - bits);
    v &= LP2P_VARINT_MAX_VALUE;
    n = lp2p_varint_encode (v, out);
    g_assert_cmpint (lp2p_varint_decode (out, n, 9, &back, &used), ==,
        LP2P_VARINT_OK);
    g_assert_cmpuint (back, ==, v);
    g_assert_cmpuint (used, ==, n);
    for (k = 0; k < n; k++)
      g_assert_cmpint (lp2p_varint_decode (out, k, 9, &back, &used), ==,
          LP2P_VARINT_NEED_MORE);
  }
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/varint/encodes-spec-vectors", test_encodes_spec_vectors);
  g_test_add_func ("/varint/rejects-non-minimal", test_rejects_non_minimal);
  g_test_add_func ("/varint/rejects-more-than-nine-bytes",
      test_rejects_more_than_nine_bytes);
  g_test_add_func ("/varint/truncated-needs-more", test_truncated_needs_more);
  g_test_add_func ("/varint/max-bytes-cap", test_max_bytes_cap);
  g_test_add_func ("/varint/decode-stops-at-first-varint",
      test_decode_stops_at_first_varint);
  g_test_add_func ("/varint/roundtrip-random", test_roundtrip_random);
  return g_test_run ();
}
