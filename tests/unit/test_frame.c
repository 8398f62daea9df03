/* Unit tests: libp2p WebRTC frame codec (gst/libp2p/frame.h).
 * Cases: ../shared/spec/mss-webrtc.md section 1 and table rows 21-25;
 * ../shared/spec/mss-webrtc-reference.md (f) "Framing (F)" and H11. */
#include "frame.h"
#include "hex.h"

typedef struct
{
  gboolean has_flag;
  gint flag;
  GByteArray *data;
} Got;

/* Feeds @chunks (hex, one per data-channel message) and collects frames;
 * returns the first non-NEED_MORE error or OK. */
static Lp2pFrameResult
decode_chunks (const gchar * const *chunks, gsize max_body, GPtrArray * got)
{
  Lp2pFrameDecoder dec;
  Lp2pFrameResult r = LP2P_FRAME_OK;
  guint i;

  lp2p_frame_decoder_init (&dec, max_body);
  for (i = 0; chunks[i]; i++) {
    g_autoptr (GBytes) b = hex (chunks[i]);
    gsize len;
    const guint8 *d = g_bytes_get_data (b, &len);
    Lp2pFrame f;

    lp2p_frame_decoder_push (&dec, d, len);
    while ((r = lp2p_frame_decoder_next (&dec, &f)) == LP2P_FRAME_OK) {
      Got *g = g_new0 (Got, 1);

      g->has_flag = f.has_flag;
      g->flag = f.flag;
      g->data = g_byte_array_new ();
      g_byte_array_append (g->data, f.data, f.size);
      g_ptr_array_add (got, g);
    }
    if (r != LP2P_FRAME_NEED_MORE)
      break;
  }
  lp2p_frame_decoder_clear (&dec);
  return r == LP2P_FRAME_NEED_MORE ? LP2P_FRAME_OK : r;
}

static void
got_free (Got * g)
{
  g_byte_array_unref (g->data);
  g_free (g);
}

static GPtrArray *
got_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) got_free);
}

static void
assert_got (GPtrArray * got, guint i, gint flag, const gchar * data_hex)
{
  Got *g = g_ptr_array_index (got, i);
  g_autoptr (GBytes) want = hex (data_hex);

  g_assert_cmpint (g->has_flag ? g->flag : LP2P_FLAG_NONE, ==, flag);
  assert_bytes_eq (g->data->data, g->data->len, want);
}

/* mss-webrtc.md section 1: data "hi" = 04 12 02 68 69, FIN = 02 08 00 ... */
static void
test_encodes_spec_examples (void)
{
  struct
  {
    gint flag;
    const gchar *data;
    const gchar *want;
  } v[] = {
    {LP2P_FLAG_NONE, "68 69", "04 12 02 68 69"},
    {LP2P_FLAG_FIN, "", "02 08 00"},
    {LP2P_FLAG_STOP_SENDING, "", "02 08 01"},
    {LP2P_FLAG_RESET_STREAM, "", "02 08 02"},
    {LP2P_FLAG_FIN_ACK, "", "02 08 03"},
    {LP2P_FLAG_FIN, "78", "05 08 00 12 01 78"},
    {LP2P_FLAG_NONE, HDR ECHO_,
        "23 12 21 " HDR ECHO_},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (v); i++) {
    g_autoptr (GBytes) d = hex (v[i].data);
    g_autoptr (GBytes) want = hex (v[i].want);
    g_autoptr (GBytes) got = lp2p_frame_encode (v[i].flag,
        g_bytes_get_data (d, NULL), g_bytes_get_size (d));

    g_assert_true (g_bytes_equal (got, want));
  }
}

/* mss-webrtc.md section 1: at most 16377 payload bytes per 16384-byte frame
 * so that a flag still fits (rust-libp2p and js-libp2p use the same). */
static void
test_max_payload_for_16384_is_16377 (void)
{
  g_assert_cmpuint (lp2p_frame_max_payload (16384), ==, 16377);
  g_assert_cmpuint (lp2p_frame_max_payload (LP2P_FRAME_MIN_SIZE), ==, 1);
  g_assert_cmpuint (lp2p_frame_max_payload (LP2P_FRAME_MIN_SIZE - 1), ==, 0);
}

/* H11: 40000 bytes -> frames each <= 16384 on the wire, exact reassembly. */
static void
test_split_40000_bytes (void)
{
  guint8 *data = g_malloc (40000);
  g_autoptr (GPtrArray) frames = NULL;
  g_autoptr (GByteArray) back = g_byte_array_new ();
  Lp2pFrameDecoder dec;
  Lp2pFrame f;
  guint i;

  for (i = 0; i < 40000; i++)
    data[i] = (guint8) (i * 7);
  frames = lp2p_frame_encode_split (LP2P_FLAG_FIN, data, 40000, 16384);
  g_assert_cmpuint (frames->len, ==, 3);
  lp2p_frame_decoder_init (&dec, LP2P_FRAME_DEFAULT_MAX_BODY);
  for (i = 0; i < frames->len; i++) {
    GBytes *b = g_ptr_array_index (frames, i);

    g_assert_cmpuint (g_bytes_get_size (b), <=, 16384);
    lp2p_frame_decoder_push (&dec, g_bytes_get_data (b, NULL),
        g_bytes_get_size (b));
    g_assert_cmpint (lp2p_frame_decoder_next (&dec, &f), ==, LP2P_FRAME_OK);
    /* The flag rides on the last frame only. */
    g_assert_cmpint (f.has_flag, ==, i == frames->len - 1);
    g_byte_array_append (back, f.data, f.size);
  }
  g_assert_cmpmem (back->data, back->len, data, 40000);
  lp2p_frame_decoder_clear (&dec);
  g_free (data);
}

/* An empty data frame is never produced (rust-libp2p reads it as EOF). */
static void
test_split_never_sends_empty_data_frame (void)
{
  g_autoptr (GPtrArray) none = lp2p_frame_encode_split (LP2P_FLAG_NONE, NULL,
      0, 16384);
  g_autoptr (GPtrArray) fin = lp2p_frame_encode_split (LP2P_FLAG_FIN, NULL, 0,
      16384);
  g_autoptr (GBytes) want = hex ("02 08 00");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (fin->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (fin, 0), want));
}

/* Case 21: 04 12 02 68 then 69 -> one frame "hi" after the 2nd chunk. */
static void
test_frame_split_across_chunks (void)
{
  const gchar *first[] = { "04 12 02 68", NULL };
  const gchar *both[] = { "04 12 02 68", "69", NULL };
  g_autoptr (GPtrArray) a = got_new ();
  g_autoptr (GPtrArray) b = got_new ();

  g_assert_cmpint (decode_chunks (first, 65536, a), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpint (decode_chunks (both, 65536, b), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (b->len, ==, 1);
  assert_got (b, 0, LP2P_FLAG_NONE, "68 69");
}

/* Case 22 / F6: several frames in one chunk, in order. */
static void
test_two_frames_in_one_chunk (void)
{
  const gchar *c1[] = { "02 08 00 02 08 03", NULL };
  const gchar *c2[] = { "06 12 04 03 6e 61 0a 02 08 00", NULL };
  g_autoptr (GPtrArray) a = got_new ();
  g_autoptr (GPtrArray) b = got_new ();

  g_assert_cmpint (decode_chunks (c1, 65536, a), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (a->len, ==, 2);
  assert_got (a, 0, LP2P_FLAG_FIN, "");
  assert_got (a, 1, LP2P_FLAG_FIN_ACK, "");
  g_assert_cmpint (decode_chunks (c2, 65536, b), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (b->len, ==, 2);
  assert_got (b, 0, LP2P_FLAG_NONE, NA);
  assert_got (b, 1, LP2P_FLAG_FIN, "");
}

/* Case 23: an unknown flag value is an error (issue: "rejects an unknown
 * flag value").  litep2p ignores it; we choose the strict reading. */
static void
test_unknown_flag_is_error (void)
{
  const gchar *c[] = { "02 08 07", NULL };
  const gchar *c4[] = { "02 08 04", NULL };
  g_autoptr (GPtrArray) a = got_new ();

  g_assert_cmpint (decode_chunks (c, 65536, a), ==,
      LP2P_FRAME_ERROR_UNKNOWN_FLAG);
  g_assert_cmpint (decode_chunks (c4, 65536, a), ==,
      LP2P_FRAME_ERROR_UNKNOWN_FLAG);
  g_assert_cmpuint (a->len, ==, 0);
}

/* Case 24 / F10 / F11: litep2p's 16391-byte frames pass; over the cap fails
 * as soon as the length is read, before any body byte. */
static void
test_large_frames_and_cap (void)
{
  g_autoptr (GByteArray) big = g_byte_array_new ();
  guint8 hdr[] = { 0x84, 0x80, 0x01, 0x12, 0x80, 0x80, 0x01 };
  Lp2pFrameDecoder dec;
  Lp2pFrame f;
  guint8 over[] = { 0x81, 0x80, 0x04 };   /* declares 65537 */

  g_byte_array_append (big, hdr, sizeof (hdr));
  g_byte_array_set_size (big, 3 + 16388);
  memset (big->data + sizeof (hdr), 0xab, big->len - sizeof (hdr));
  g_assert_cmpuint (big->len, ==, 16391);

  lp2p_frame_decoder_init (&dec, LP2P_FRAME_DEFAULT_MAX_BODY);
  lp2p_frame_decoder_push (&dec, big->data, big->len);
  g_assert_cmpint (lp2p_frame_decoder_next (&dec, &f), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (f.size, ==, 16384);
  lp2p_frame_decoder_push (&dec, over, sizeof (over));
  g_assert_cmpint (lp2p_frame_decoder_next (&dec, &f), ==,
      LP2P_FRAME_ERROR_TOO_LARGE);
  /* Sticky: the stream cannot be resynchronised. */
  lp2p_frame_decoder_push (&dec, (const guint8 *) "\x02\x08\x00", 3);
  g_assert_cmpint (lp2p_frame_decoder_next (&dec, &f), ==,
      LP2P_FRAME_ERROR_TOO_LARGE);
  lp2p_frame_decoder_clear (&dec);
}

/* F9: a varint that can only exceed the cap is refused without waiting. */
static void
test_overlong_length_refused_at_once (void)
{
  const gchar *c[] = { "80 80 80", NULL };
  const gchar *c2[] = { "80 80 80 80 80 80 80 80 80 80 01", NULL };
  g_autoptr (GPtrArray) a = got_new ();

  g_assert_cmpint (decode_chunks (c, 65536, a), ==, LP2P_FRAME_ERROR_TOO_LARGE);
  g_assert_cmpint (decode_chunks (c2, 65536, a), ==,
      LP2P_FRAME_ERROR_TOO_LARGE);
}

/* F8: non-minimal frame length. */
static void
test_non_minimal_length_is_error (void)
{
  const gchar *c[] = { "80 00", NULL };
  g_autoptr (GPtrArray) a = got_new ();

  g_assert_cmpint (decode_chunks (c, 65536, a), ==, LP2P_FRAME_ERROR_LENGTH);
}

/* Case 25: unknown fields of every protobuf wire type are skipped. */
static void
test_unknown_fields_skipped (void)
{
  const gchar *c[] = {
    "03 1a 01 00",              /* field 3, bytes */
    "06 18 96 01 12 01 41",     /* field 3 varint 150, then data "A" */
    "0c 21 01 02 03 04 05 06 07 08 12 01 42",   /* field 4 fixed64 */
    "09 2d 01 02 03 04 08 01 12 00",    /* field 5 fixed32, STOP, empty */
    NULL
  };
  g_autoptr (GPtrArray) a = got_new ();

  g_assert_cmpint (decode_chunks (c, 65536, a), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (a->len, ==, 4);
  assert_got (a, 0, LP2P_FLAG_NONE, "");
  assert_got (a, 1, LP2P_FLAG_NONE, "41");
  assert_got (a, 2, LP2P_FLAG_NONE, "42");
  assert_got (a, 3, LP2P_FLAG_STOP_SENDING, "");
}

/* F2, F3, F4: smoldot's FIN, fields in reverse order, the empty frame. */
static void
test_field_order_and_empty_forms (void)
{
  const gchar *c[] = { "04 08 00 12 00", "07 12 03 62 79 65 08 00", "00",
    NULL
  };
  g_autoptr (GPtrArray) a = got_new ();

  g_assert_cmpint (decode_chunks (c, 65536, a), ==, LP2P_FRAME_OK);
  g_assert_cmpuint (a->len, ==, 3);
  assert_got (a, 0, LP2P_FLAG_FIN, "");
  assert_got (a, 1, LP2P_FLAG_FIN, "62 79 65");
  assert_got (a, 2, LP2P_FLAG_NONE, "");
}

/* Duplicate and garbled fields, truncated protobuf: each a distinct error. */
static void
test_garbled_bodies (void)
{
  struct
  {
    const gchar *in;
    Lp2pFrameResult want;
  } v[] = {
    {"04 08 00 08 01", LP2P_FRAME_ERROR_DUPLICATE},
    {"06 12 01 41 12 01 42", LP2P_FRAME_ERROR_DUPLICATE},
    {"02 0a 00", LP2P_FRAME_ERROR_FIELD_TYPE},  /* field 1 as bytes */
    {"02 10 05", LP2P_FRAME_ERROR_FIELD_TYPE},  /* field 2 as varint */
    {"02 1b 00", LP2P_FRAME_ERROR_WIRE_TYPE},   /* wire type 3 */
    {"02 1f 00", LP2P_FRAME_ERROR_WIRE_TYPE},   /* wire type 7 */
    {"02 02 00", LP2P_FRAME_ERROR_WIRE_TYPE},   /* field number 0 */
    {"03 12 05 41", LP2P_FRAME_ERROR_TRUNCATED},
    {"01 08", LP2P_FRAME_ERROR_TRUNCATED},
    {"01 80", LP2P_FRAME_ERROR_TRUNCATED},
    {"03 21 01 02", LP2P_FRAME_ERROR_TRUNCATED},
    {"02 08 80", LP2P_FRAME_ERROR_TRUNCATED},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (v); i++) {
    const gchar *c[] = { v[i].in, NULL };
    g_autoptr (GPtrArray) a = got_new ();

    g_test_message ("input %s", v[i].in);
    g_assert_cmpint (decode_chunks (c, 65536, a), ==, v[i].want);
    g_assert_cmpstr (lp2p_frame_result_to_string (v[i].want), !=,
        "unknown error");
  }
}

/* F7: one byte per data-channel message gives the same frames. */
static void
test_byte_by_byte (void)
{
  g_autoptr (GBytes) b = hex ("23 12 21 " HDR ECHO_ " 02 08 00");
  gsize len, i;
  const guint8 *d = g_bytes_get_data (b, &len);
  Lp2pFrameDecoder dec;
  Lp2pFrame f;
  guint n = 0;

  lp2p_frame_decoder_init (&dec, 65536);
  for (i = 0; i < len; i++) {
    lp2p_frame_decoder_push (&dec, d + i, 1);
    while (lp2p_frame_decoder_next (&dec, &f) == LP2P_FRAME_OK) {
      n++;
      if (n == 1) {
        g_assert_cmpuint (i, ==, 35);
        g_assert_cmpuint (f.size, ==, 33);
      } else {
        g_assert_true (f.has_flag && f.flag == LP2P_FLAG_FIN);
      }
    }
  }
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (lp2p_frame_decoder_pending (&dec), ==, 0);
  lp2p_frame_decoder_clear (&dec);
}

/* Property: random payloads and flags, encoded with random frame sizes,
 * concatenated and cut at random points, decode to the same sequence. */
static void
test_roundtrip_random_splits (void)
{
  GRand *r = g_rand_new_with_seed (0xf4a3e);
  guint iter;

  for (iter = 0; iter < 300; iter++) {
    g_autoptr (GByteArray) wire = g_byte_array_new ();
    g_autoptr (GByteArray) sent = g_byte_array_new ();
    g_autoptr (GByteArray) recv = g_byte_array_new ();
    gsize max_frame = g_rand_int_range (r, LP2P_FRAME_MIN_SIZE, 20000);
    guint nmsg = g_rand_int_range (r, 1, 6), m;
    gint flags_sent = 0, flags_recv = 0;
    Lp2pFrameDecoder dec;
    Lp2pFrame f;
    gsize off = 0;

    for (m = 0; m < nmsg; m++) {
      gsize size = g_rand_int_range (r, 0, 50000);
      gint flag = g_rand_boolean (r) ? LP2P_FLAG_NONE :
          g_rand_int_range (r, 0, 4);
      guint8 *d = g_malloc (size + 1);
      g_autoptr (GPtrArray) frames = NULL;
      gsize i;

      for (i = 0; i < size; i++)
        d[i] = (guint8) g_rand_int (r);
      frames = lp2p_frame_encode_split (flag, d, size, max_frame);
      for (i = 0; i < frames->len; i++) {
        GBytes *b = g_ptr_array_index (frames, i);
        g_assert_cmpuint (g_bytes_get_size (b), <=, max_frame);
        g_byte_array_append (wire, g_bytes_get_data (b, NULL),
            g_bytes_get_size (b));
      }
      g_byte_array_append (sent, d, size);
      flags_sent += flag != LP2P_FLAG_NONE;
      g_free (d);
    }

    lp2p_frame_decoder_init (&dec, LP2P_FRAME_DEFAULT_MAX_BODY);
    while (off < wire->len) {
      /* (MIN evaluates its arguments twice: draw first) */
      gsize cut = (gsize) g_rand_int_range (r, 1, 30000);
      gsize n = MIN (cut, wire->len - off);
      Lp2pFrameResult res;

      lp2p_frame_decoder_push (&dec, wire->data + off, n);
      off += n;
      while ((res = lp2p_frame_decoder_next (&dec, &f)) == LP2P_FRAME_OK) {
        g_byte_array_append (recv, f.data, f.size);
        flags_recv += f.has_flag;
      }
      g_assert_cmpint (res, ==, LP2P_FRAME_NEED_MORE);
    }
    g_assert_cmpuint (lp2p_frame_decoder_pending (&dec), ==, 0);
    g_assert_cmpmem (recv->data, recv->len, sent->data, sent->len);
    g_assert_cmpint (flags_recv, ==, flags_sent);
    lp2p_frame_decoder_clear (&dec);
  }
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame/encodes-spec-examples", test_encodes_spec_examples);
  g_test_add_func ("/frame/max-payload-for-16384-is-16377",
      test_max_payload_for_16384_is_16377);
  g_test_add_func ("/frame/split-40000-bytes", test_split_40000_bytes);
  g_test_add_func ("/frame/split-never-sends-empty-data-frame",
      test_split_never_sends_empty_data_frame);
  g_test_add_func ("/frame/frame-split-across-chunks",
      test_frame_split_across_chunks);
  g_test_add_func ("/frame/two-frames-in-one-chunk",
      test_two_frames_in_one_chunk);
  g_test_add_func ("/frame/unknown-flag-is-error", test_unknown_flag_is_error);
  g_test_add_func ("/frame/large-frames-and-cap", test_large_frames_and_cap);
  g_test_add_func ("/frame/overlong-length-refused-at-once",
      test_overlong_length_refused_at_once);
  g_test_add_func ("/frame/non-minimal-length-is-error",
      test_non_minimal_length_is_error);
  g_test_add_func ("/frame/unknown-fields-skipped",
      test_unknown_fields_skipped);
  g_test_add_func ("/frame/field-order-and-empty-forms",
      test_field_order_and_empty_forms);
  g_test_add_func ("/frame/garbled-bodies", test_garbled_bodies);
  g_test_add_func ("/frame/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/frame/roundtrip-random-splits",
      test_roundtrip_random_splits);
  return g_test_run ();
}
