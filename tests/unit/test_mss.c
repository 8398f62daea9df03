/* Unit tests: multistream-select 1.0 (gst/libp2p/mss.h).
 *
 * Cases are the conformance tables of ../shared/spec/mss-webrtc.md section 5
 * (numbered 1-20 there) and ../shared/spec/mss-webrtc-reference.md section f
 * (M1-M7 codec, D1-D23 dialer, L1-L20 listener), whose ids the test names
 * and comments carry.  Frame-level cases run the negotiation the way the
 * element does: data-channel messages -> Lp2pFrameDecoder ->
 * lp2p_mss_feed_frame(), each negotiation output sent as one frame, and
 * every payload after success kept as application data. */
#include "mss.h"
#include "hex.h"

#define ECHO_P "/echo/1.0.0"
#define PING_P "/ipfs/ping/1.0.0"
#define NOPE_P "/nope/1.0.0"

static const gchar *const listener_protos[] = { ECHO_P, PING_P, NULL };

/* ---- frame-level harness ---- */

typedef struct
{
  Lp2pMss *mss;
  Lp2pFrameDecoder dec;
  GPtrArray *sent;              /* GBytes: one frame per negotiation step */
  GByteArray *app;              /* application data received after success */
  Lp2pMssStatus status;
} Chan;

static void
chan_emit (Chan * c, GByteArray * out)
{
  if (out->len > 0)
    g_ptr_array_add (c->sent, lp2p_frame_encode (LP2P_FLAG_NONE, out->data,
            out->len));
  g_byte_array_set_size (out, 0);
}

static void
chan_setup (Chan * c, Lp2pMss * mss)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_nonnull (mss);
  c->mss = mss;
  lp2p_frame_decoder_init (&c->dec, LP2P_FRAME_DEFAULT_MAX_BODY);
  c->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c->app = g_byte_array_new ();
  c->status = LP2P_MSS_NEED_MORE;
  lp2p_mss_start (mss, out);
  chan_emit (c, out);
}

static void
chan_dialer (Chan * c, const gchar * const *protos, gboolean lazy)
{
  GError *err = NULL;

  chan_setup (c, lp2p_mss_dialer_new (protos, lazy, &err));
  g_assert_no_error (err);
}

static void
chan_listener (Chan * c)
{
  chan_setup (c, lp2p_mss_listener_new (listener_protos, NULL, NULL));
}

static void
chan_clear (Chan * c)
{
  lp2p_mss_free (c->mss);
  lp2p_frame_decoder_clear (&c->dec);
  g_ptr_array_unref (c->sent);
  g_byte_array_unref (c->app);
}

/* One data-channel message from the peer, as hex. */
static Lp2pMssStatus
chan_recv (Chan * c, const gchar * msg_hex)
{
  g_autoptr (GBytes) b = hex (msg_hex);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  Lp2pFrame f;
  Lp2pFrameResult r;

  lp2p_frame_decoder_push (&c->dec, g_bytes_get_data (b, NULL),
      g_bytes_get_size (b));
  while ((r = lp2p_frame_decoder_next (&c->dec, &f)) == LP2P_FRAME_OK) {
    if (c->status == LP2P_MSS_SUCCESS) {
      g_byte_array_append (c->app, f.data, f.size);
      continue;
    }
    if (c->status != LP2P_MSS_NEED_MORE)
      break;
    c->status = lp2p_mss_feed_frame (c->mss, &f, out);
    chan_emit (c, out);
    if (c->status == LP2P_MSS_SUCCESS) {
      g_autoptr (GBytes) left = lp2p_mss_take_leftover (c->mss);

      g_byte_array_append (c->app, g_bytes_get_data (left, NULL),
          g_bytes_get_size (left));
    }
  }
  if (r != LP2P_FRAME_OK && r != LP2P_FRAME_NEED_MORE)
    c->status = LP2P_MSS_VIOLATION;
  return c->status;
}

static void
assert_sent (Chan * c, guint i, const gchar * want_hex)
{
  g_autoptr (GBytes) want = hex (want_hex);

  g_assert_cmpuint (c->sent->len, >, i);
  g_assert_true (g_bytes_equal (g_ptr_array_index (c->sent, i), want));
}

static void
assert_app (Chan * c, const gchar * want_hex)
{
  g_autoptr (GBytes) want = hex (want_hex);

  assert_bytes_eq (c->app->data, c->app->len, want);
}

/* ---- message-level helper ---- */

static Lp2pMssStatus
feed_hex (Lp2pMss * mss, const gchar * h, GByteArray * out)
{
  g_autoptr (GBytes) b = hex (h);

  return lp2p_mss_feed (mss, g_bytes_get_data (b, NULL), g_bytes_get_size (b),
      out);
}

static Lp2pMss *
dialer (const gchar * const *protos)
{
  GError *err = NULL;
  Lp2pMss *m = lp2p_mss_dialer_new (protos, FALSE, &err);

  g_assert_no_error (err);
  return m;
}

/* ======== codec (M) ======== */

/* M1, M2: the header, na and ls encodings (mss-webrtc.md section 1). */
static void
test_encodes_header_na_ls (void)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) want = hex (HDR NA LS ECHO_);

  lp2p_mss_message_append (out, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (out, LP2P_MSS_NA, -1);
  lp2p_mss_message_append (out, LP2P_MSS_LS, -1);
  lp2p_mss_message_append (out, ECHO_P, -1);
  assert_bytes_eq (out->data, out->len, want);
}

/* M3: a 200-byte name takes the two-byte prefix c9 01, 203 bytes in all. */
static void
test_encodes_two_byte_length (void)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gchar name[201];

  memset (name, 'a', 200);
  name[0] = '/';
  name[200] = 0;
  lp2p_mss_message_append (out, name, -1);
  g_assert_cmpuint (out->len, ==, 203);
  g_assert_cmpuint (out->data[0], ==, 0xc9);
  g_assert_cmpuint (out->data[1], ==, 0x01);
  g_assert_cmpuint (out->data[202], ==, '\n');
}

static Lp2pMssReadResult
read_hex (const gchar * h, const gchar ** reason)
{
  g_autoptr (GBytes) b = hex (h);
  const guint8 *body;
  gsize bl, used;

  *reason = NULL;
  return lp2p_mss_message_read (g_bytes_get_data (b, NULL),
      g_bytes_get_size (b), LP2P_MSS_MAX_MESSAGE_LEN, &body, &bl, &used,
      reason);
}

/* M4, M6, cases 19 and 20, L18: each malformed message is refused with its
 * own reason; a prefix of a valid message asks for more. */
static void
test_read_rejects_malformed (void)
{
  const gchar *reason;

  /* M4: no trailing newline */
  g_assert_cmpint (read_hex ("0b 2f 65 63 68 6f 2f 31 2e 30 2e 30", &reason),
      ==, LP2P_MSS_READ_INVALID);
  g_assert_true (strstr (reason, "newline") != NULL);
  /* M6: empty message */
  g_assert_cmpint (read_hex ("00", &reason), ==, LP2P_MSS_READ_INVALID);
  g_assert_true (strstr (reason, "empty") != NULL);
  /* case 19: length varint of more than 2 bytes */
  g_assert_cmpint (read_hex ("80 80 80 01", &reason), ==,
      LP2P_MSS_READ_INVALID);
  g_assert_true (strstr (reason, "varint") != NULL);
  /* case 20: non-minimal length varint */
  g_assert_cmpint (read_hex ("80 00", &reason), ==, LP2P_MSS_READ_INVALID);
  g_assert_true (strstr (reason, "varint") != NULL);
  /* L18: a declared 2000 bytes is refused before any body byte. */
  g_assert_cmpint (read_hex ("d0 0f", &reason), ==, LP2P_MSS_READ_INVALID);
  g_assert_true (strstr (reason, "limit") != NULL);
  /* prefixes wait */
  g_assert_cmpint (read_hex ("80", &reason), ==, LP2P_MSS_READ_NEED_MORE);
  g_assert_cmpint (read_hex ("13 2f 6d", &reason), ==,
      LP2P_MSS_READ_NEED_MORE);
  g_assert_cmpint (read_hex (HDR, &reason), ==, LP2P_MSS_READ_OK);
}

/* M7: an ls answer parses to its list; malformed answers are refused. */
static void
test_ls_response_roundtrip (void)
{
  g_autoptr (GBytes) want = hex ("20 " ECHO_ PING "0a");
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_auto (GStrv) list = NULL;
  GError *err = NULL;
  gchar **bad;

  lp2p_mss_ls_response_append (out, listener_protos);
  assert_bytes_eq (out->data, out->len, want);
  list = lp2p_mss_ls_response_parse (out->data + 1, out->len - 1, &err);
  g_assert_no_error (err);
  g_assert_cmpuint (g_strv_length (list), ==, 2);
  g_assert_cmpstr (list[0], ==, ECHO_P);
  g_assert_cmpstr (list[1], ==, PING_P);

  /* without the final newline */
  bad = lp2p_mss_ls_response_parse (out->data + 1, out->len - 2, &err);
  g_assert_null (bad);
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_MALFORMED);
  g_clear_error (&err);
  /* an entry that is not a protocol id */
  {
    g_autoptr (GBytes) b = hex ("06 68 65 6c 6c 6f 0a 0a");

    bad = lp2p_mss_ls_response_parse (g_bytes_get_data (b, NULL),
        g_bytes_get_size (b), &err);
    g_assert_null (bad);
    g_assert_nonnull (err);
    g_clear_error (&err);
  }
}

/* Protocol ids: '/' first, <= 140 bytes (rust-libp2p MAX_PROTOCOL_LEN),
 * UTF-8, no newline. */
static void
test_protocol_validate (void)
{
  gchar long_name[LP2P_MSS_MAX_PROTOCOL_LEN + 2];
  GError *err = NULL;

  memset (long_name, 'x', sizeof (long_name));
  long_name[0] = '/';
  long_name[LP2P_MSS_MAX_PROTOCOL_LEN] = 0;
  g_assert_true (lp2p_mss_protocol_validate (long_name, -1, NULL));
  long_name[LP2P_MSS_MAX_PROTOCOL_LEN] = 'x';
  long_name[LP2P_MSS_MAX_PROTOCOL_LEN + 1] = 0;
  g_assert_false (lp2p_mss_protocol_validate (long_name, -1, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL);
  g_clear_error (&err);

  g_assert_true (lp2p_mss_protocol_validate ("/caf\xc3\xa9/1", -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate ("ping", -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate ("", -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate (NULL, -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate ("/a\nb", -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate ("/bad\xff", -1, NULL));
  g_assert_false (lp2p_mss_protocol_validate ("/a\0b", 4, NULL));
}

/* D20: a dialer is refused for a bad name, no names, too many names, or
 * lazy mode with fallbacks; each with an error for the requester. */
static void
test_dialer_new_refuses_bad_arguments (void)
{
  const gchar *no_slash[] = { "ping", NULL };
  const gchar *none[] = { NULL };
  const gchar *two[] = { ECHO_P, PING_P, NULL };
  const gchar *many[LP2P_MSS_MAX_PROPOSALS + 2];
  GError *err = NULL;
  guint i;

  g_assert_null (lp2p_mss_dialer_new (no_slash, FALSE, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL);
  g_clear_error (&err);
  g_assert_null (lp2p_mss_dialer_new (none, FALSE, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&err);
  g_assert_null (lp2p_mss_dialer_new (two, TRUE, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&err);
  for (i = 0; i < LP2P_MSS_MAX_PROPOSALS + 1; i++)
    many[i] = ECHO_P;
  many[i] = NULL;
  g_assert_null (lp2p_mss_dialer_new (many, FALSE, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&err);
}

/* ======== dialer: mss-webrtc.md section 5, cases 1-10 ======== */

/* Case 1 and rule 1: the header goes once, in the first output, together
 * with the proposal; header + echo is success without leftover. */
static void
test_dialer_case1_success (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) first = hex (HDR ECHO_);
  g_autoptr (GBytes) left = NULL;

  lp2p_mss_start (m, out);
  assert_bytes_eq (out->data, out->len, first);
  g_byte_array_set_size (out, 0);
  g_assert_false (lp2p_mss_is_writable (m));
  g_assert_cmpint (feed_hex (m, HDR ECHO_, out), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpstr (lp2p_mss_get_protocol (m), ==, ECHO_P);
  g_assert_true (lp2p_mss_is_writable (m));
  left = lp2p_mss_take_leftover (m);
  g_assert_cmpuint (g_bytes_get_size (left), ==, 0);
}

/* Case 2: header and echo in two inputs. */
static void
test_dialer_case2_split_answer (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR, out), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (feed_hex (m, ECHO_, out), ==, LP2P_MSS_SUCCESS);
}

/* Case 3 and rule 3: after na the fallback is sent without the header. */
static void
test_dialer_case3_fallback_without_header (void)
{
  const gchar *p[] = { "/a", "/b", NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) fb = hex ("03 2f 62 0a");

  g_assert_cmpint (feed_hex (m, HDR NA, out), ==, LP2P_MSS_NEED_MORE);
  assert_bytes_eq (out->data, out->len, fb);
  g_assert_cmpstr (lp2p_mss_get_protocol (m), ==, "/b");
  g_byte_array_set_size (out, 0);
  g_assert_cmpint (feed_hex (m, "03 2f 62 0a", out), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpstr (lp2p_mss_get_protocol (m), ==, "/b");
}

/* Case 4 and rule 4: na where the header is expected is a violation. */
static void
test_dialer_case4_na_before_header (void)
{
  const gchar *p[] = { "/a", "/b", NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, NA, out), ==, LP2P_MSS_VIOLATION);
  g_assert_nonnull (lp2p_mss_get_error (m));
  g_assert_cmpuint (out->len, ==, 0);
}

/* Case 5 and rule 5: a confirmation of a fallback not yet proposed. */
static void
test_dialer_case5_rejects_unproposed_confirmation (void)
{
  const gchar *p[] = { "/a", "/b", NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR "03 2f 62 0a", out), ==,
      LP2P_MSS_VIOLATION);
}

/* Rule 5: after a fallback, the echo of the earlier proposal does not
 * count either. */
static void
test_dialer_rejects_earlier_confirmation (void)
{
  const gchar *p[] = { "/a", "/b", NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR NA, out), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (feed_hex (m, "03 2f 61 0a", out), ==, LP2P_MSS_VIOLATION);
}

/* Case 6: na with no fallback left is a refusal, not a violation. */
static void
test_dialer_case6_rejected (void)
{
  const gchar *p[] = { "/a", NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR NA, out), ==, LP2P_MSS_REJECTED);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_nonnull (lp2p_mss_get_error (m));
  g_assert_false (lp2p_mss_is_writable (m));
}

/* Case 7 and rule 7: bytes after the echo are application data. */
static void
test_dialer_case7_leftover (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) left = NULL;
  g_autoptr (GBytes) hi = hex ("68 69");

  g_assert_cmpint (feed_hex (m, HDR ECHO_ "68 69", out), ==,
      LP2P_MSS_SUCCESS);
  left = lp2p_mss_take_leftover (m);
  g_assert_true (g_bytes_equal (left, hi));
}

/* Case 8 and rule 6: a message split inside its body. */
static void
test_dialer_case8_header_split (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) all = hex (HDR ECHO_);
  const guint8 *d = g_bytes_get_data (all, NULL);

  g_assert_cmpint (lp2p_mss_feed (m, d, 3, out), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (lp2p_mss_feed (m, d + 3, g_bytes_get_size (all) - 3, out),
      ==, LP2P_MSS_SUCCESS);
}

/* Rule 6: every split point of the answer (byte by byte) gives the same
 * result as the whole. */
static void
test_dialer_byte_by_byte (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) all = hex (HDR ECHO_ "68 69");
  g_autoptr (GBytes) left = NULL;
  const guint8 *d = g_bytes_get_data (all, NULL);
  gsize i, n = g_bytes_get_size (all);
  Lp2pMssStatus st = LP2P_MSS_NEED_MORE;

  for (i = 0; i < n && st == LP2P_MSS_NEED_MORE; i++)
    st = lp2p_mss_feed (m, d + i, 1, out);
  g_assert_cmpint (st, ==, LP2P_MSS_SUCCESS);
  /* success on the last byte of the echo: "hi" arrives later, as frames
   * of the open substream, so the leftover is empty here */
  g_assert_cmpuint (i, ==, n - 2);
  left = lp2p_mss_take_leftover (m);
  g_assert_cmpuint (g_bytes_get_size (left), ==, 0);
}

/* Case 9: a second header is a violation. */
static void
test_dialer_case9_header_twice (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR HDR, out), ==, LP2P_MSS_VIOLATION);
}

/* Case 10: another multistream version is a violation. */
static void
test_dialer_case10_other_version (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m,
          "13 2f 6d 75 6c 74 69 73 74 72 65 61 6d 2f 32 2e 30 2e 30 0a", out),
      ==, LP2P_MSS_VIOLATION);
}

/* M5 (#590 R8): a newline inside a message is a violation. */
static void
test_dialer_rejects_embedded_newline (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR "0b 2f 65 63 0a 68 6f 2f 31 2e 30 0a",
          out), ==, LP2P_MSS_VIOLATION);
}

/* Invalid UTF-8 in a message is a violation (mss-webrtc.md rule 8). */
static void
test_dialer_rejects_invalid_utf8 (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (Lp2pMss) m = dialer (p);
  g_autoptr (GByteArray) out = g_byte_array_new ();

  g_assert_cmpint (feed_hex (m, HDR "04 2f ff fe 0a", out), ==,
      LP2P_MSS_VIOLATION);
}

/* Lazy dialing (single proposal): writable at once; an echo later gives
 * success, a na gives a refusal (the data sent meanwhile is lost). */
static void
test_dialer_lazy (void)
{
  const gchar *p[] = { ECHO_P, NULL };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) first = hex (HDR ECHO_);
  GError *err = NULL;
  g_autoptr (Lp2pMss) ok = lp2p_mss_dialer_new (p, TRUE, &err);
  g_autoptr (Lp2pMss) no = lp2p_mss_dialer_new (p, TRUE, &err);

  g_assert_no_error (err);
  lp2p_mss_start (ok, out);
  /* header + proposal only: data must go in later frames */
  assert_bytes_eq (out->data, out->len, first);
  g_byte_array_set_size (out, 0);
  g_assert_true (lp2p_mss_is_writable (ok));
  g_assert_cmpint (feed_hex (ok, HDR ECHO_, out), ==, LP2P_MSS_SUCCESS);
  g_assert_true (lp2p_mss_is_writable (ok));

  g_assert_true (lp2p_mss_is_writable (no));
  g_assert_cmpint (feed_hex (no, HDR NA, out), ==, LP2P_MSS_REJECTED);
  g_assert_false (lp2p_mss_is_writable (no));
}

/* ======== dialer at frame level: reference table D ======== */

static const gchar *const d1_protos[] = { PING_P, NULL };
static const gchar *const d2_protos[] = { NOPE_P, ECHO_P, NULL };

/* D1: the first frame is exactly header + proposal, 41 bytes. */
static void
test_d1_first_frame (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpuint (c.sent->len, ==, 1);
  assert_sent (&c, 0, "28 12 26 " HDR PING);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (c.sent, 0)), ==, 41);
  chan_clear (&c);
}

/* D2: with fallbacks only the first proposal goes. */
static void
test_d2_first_frame_without_fallbacks (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpuint (c.sent->len, ==, 1);
  assert_sent (&c, 0, "23 12 21 " HDR NOPE);
  chan_clear (&c);
}

/* D3: confirmation of the fallback that was never proposed. */
static void
test_d3_unproposed_fallback (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "23 12 21 " HDR ECHO_), ==,
      LP2P_MSS_VIOLATION);
  g_assert_cmpuint (c.sent->len, ==, 1);
  chan_clear (&c);
}

/* D4: na -> fallback without header -> success. */
static void
test_d4_fallback (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "1a 12 18 " HDR NA), ==,
      LP2P_MSS_NEED_MORE);
  g_assert_cmpuint (c.sent->len, ==, 2);
  assert_sent (&c, 1, "0f 12 0d " ECHO_);
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpstr (lp2p_mss_get_protocol (c.mss), ==, ECHO_P);
  chan_clear (&c);
}

/* D5: the header in its own frame, then na. */
static void
test_d5_header_own_frame (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "16 12 14 " HDR), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (chan_recv (&c, "06 12 04 " NA), ==, LP2P_MSS_NEED_MORE);
  assert_sent (&c, 1, "0f 12 0d " ECHO_);
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  chan_clear (&c);
}

/* D6: the header again with the fallback's echo. */
static void
test_d6_header_repeated_with_fallback (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  chan_recv (&c, "1a 12 18 " HDR NA);
  g_assert_cmpint (chan_recv (&c, "23 12 21 " HDR ECHO_), ==,
      LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* D7: na before the header. */
static void
test_d7_na_before_header (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "06 12 04 " NA), ==, LP2P_MSS_VIOLATION);
  g_assert_cmpuint (c.sent->len, ==, 1);
  chan_clear (&c);
}

/* D8: the echo without the header. */
static void
test_d8_header_missing (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "14 12 12 " PING), ==, LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* D9 (#583): data in the confirming frame reaches the substream. */
static void
test_d9_pipelined_data_kept (void)
{
  Chan c;
  const gchar *data = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f "
      "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";
  g_autofree gchar *frame = g_strconcat ("48 12 46 " HDR PING, data, NULL);

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, frame), ==, LP2P_MSS_SUCCESS);
  assert_app (&c, data);
  chan_clear (&c);
}

/* D10: data in the next data-channel message reaches the substream. */
static void
test_d10_data_in_next_message (void)
{
  Chan c;
  const gchar *data = "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f "
      "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";
  g_autofree gchar *second = g_strconcat ("22 12 20 ", data, NULL);
  g_autofree gchar *both = g_strconcat ("28 12 26 " HDR PING, second, NULL);
  Chan c2;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "28 12 26 " HDR PING), ==,
      LP2P_MSS_SUCCESS);
  chan_recv (&c, second);
  assert_app (&c, data);
  chan_clear (&c);

  /* the same two frames in one data-channel message */
  chan_dialer (&c2, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c2, both), ==, LP2P_MSS_SUCCESS);
  assert_app (&c2, data);
  chan_clear (&c2);
}

/* D11: header + na, no fallback: refused. */
static void
test_d11_refused (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "1a 12 18 " HDR NA), ==,
      LP2P_MSS_REJECTED);
  chan_clear (&c);
}

/* D12: ls as an answer. */
static void
test_d12_ls_answer (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "1a 12 18 " HDR LS), ==,
      LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* D13: the header split across frames (litep2p fails this). */
static void
test_d13_header_split_across_frames (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "0b 12 09 13 2f 6d 75 6c 74 69 73 74"), ==,
      LP2P_MSS_NEED_MORE);
  g_assert_cmpint (chan_recv (&c,
          "1f 12 1d 72 65 61 6d 2f 31 2e 30 2e 30 0a " PING), ==,
      LP2P_MSS_SUCCESS);
  chan_clear (&c);
}

/* D14, D15 (litep2p PR #622): a flag while negotiating is terminal. */
static void
test_d14_d15_flags_while_negotiating (void)
{
  const gchar *flags[] = { "02 08 00", "02 08 01", "02 08 02", "02 08 03" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (flags); i++) {
    Chan c;

    chan_dialer (&c, d1_protos, FALSE);
    g_assert_cmpint (chan_recv (&c, flags[i]), ==, LP2P_MSS_VIOLATION);
    g_assert_true (strstr (lp2p_mss_get_error (c.mss), "negotiating"));
    chan_clear (&c);
  }
}

/* D21: a duplicate header in the answer. */
static void
test_d21_duplicate_header (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "2a 12 28 " HDR HDR), ==,
      LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* D22: bytes after the final na never become application data. */
static void
test_d22_bytes_after_final_na (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "27 12 25 " HDR NA ECHO_), ==,
      LP2P_MSS_REJECTED);
  g_assert_cmpuint (c.app->len, ==, 0);
  chan_clear (&c);
}

/* With fallbacks left, bytes after a na cannot answer a proposal the
 * listener has not read yet: a violation, not data. */
static void
test_dialer_bytes_after_na_with_fallback (void)
{
  Chan c;

  chan_dialer (&c, d2_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "27 12 25 " HDR NA ECHO_), ==,
      LP2P_MSS_VIOLATION);
  g_assert_cmpuint (c.app->len, ==, 0);
  chan_clear (&c);
}

/* D23: an empty frame is ignored (litep2p fails this). */
static void
test_d23_empty_frame_ignored (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "00"), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (chan_recv (&c, "02 12 00"), ==, LP2P_MSS_NEED_MORE);
  g_assert_cmpint (chan_recv (&c, "28 12 26 " HDR PING), ==,
      LP2P_MSS_SUCCESS);
  chan_clear (&c);
}

/* A frame decoding error while negotiating fails the negotiation. */
static void
test_dialer_bad_frame (void)
{
  Chan c;

  chan_dialer (&c, d1_protos, FALSE);
  g_assert_cmpint (chan_recv (&c, "81 80 04"), ==, LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* ======== listener: mss-webrtc.md cases 10b-18 ======== */

/* Case 11 (L1): header + echo are echoed in one frame; success. */
static void
test_l1_accepts (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpuint (c.sent->len, ==, 0);
  g_assert_cmpint (chan_recv (&c, "23 12 21 " HDR ECHO_), ==,
      LP2P_MSS_SUCCESS);
  g_assert_cmpuint (c.sent->len, ==, 1);
  assert_sent (&c, 0, "23 12 21 " HDR ECHO_);
  g_assert_cmpstr (lp2p_mss_get_protocol (c.mss), ==, ECHO_P);
  g_assert_cmpuint (c.app->len, ==, 0);
  chan_clear (&c);
}

/* Case 12 (L2, L3): na, then the fallback is echoed without the header. */
static void
test_l2_l3_na_then_accept (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "23 12 21 " HDR NOPE), ==,
      LP2P_MSS_NEED_MORE);
  assert_sent (&c, 0, "1a 12 18 " HDR NA);
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  assert_sent (&c, 1, "0f 12 0d " ECHO_);
  chan_clear (&c);
}

/* L4: a second unsupported proposal: na without header, still waiting. */
static void
test_l4_second_na (void)
{
  Chan c;

  chan_listener (&c);
  chan_recv (&c, "23 12 21 " HDR NOPE);
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " NOPE), ==, LP2P_MSS_NEED_MORE);
  assert_sent (&c, 1, "06 12 04 " NA);
  chan_clear (&c);
}

/* L5: the header alone is echoed alone; then the proposal. */
static void
test_l5_header_alone (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "16 12 14 " HDR), ==, LP2P_MSS_NEED_MORE);
  assert_sent (&c, 0, "16 12 14 " HDR);
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  assert_sent (&c, 1, "0f 12 0d " ECHO_);
  chan_clear (&c);
}

/* Case 14 (L6), L7: anything but the header first: violation, nothing sent. */
static void
test_l6_l7_no_header (void)
{
  const gchar *first[] = { "0f 12 0d " ECHO_, "06 12 04 " NA,
    "06 12 04 " LS
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (first); i++) {
    Chan c;

    chan_listener (&c);
    g_assert_cmpint (chan_recv (&c, first[i]), ==, LP2P_MSS_VIOLATION);
    g_assert_cmpuint (c.sent->len, ==, 0);
    chan_clear (&c);
  }
}

/* L8: a second header. */
static void
test_l8_second_header (void)
{
  Chan c;

  chan_listener (&c);
  chan_recv (&c, "16 12 14 " HDR);
  g_assert_cmpint (chan_recv (&c, "16 12 14 " HDR), ==, LP2P_MSS_VIOLATION);
  g_assert_cmpuint (c.sent->len, ==, 1);
  chan_clear (&c);
}

/* Cases 10b, 15 (L9): ls is answered with the list; the channel stays
 * open and a proposal is then accepted. */
static void
test_l9_ls (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "1a 12 18 " HDR LS), ==,
      LP2P_MSS_NEED_MORE);
  assert_sent (&c, 0, "37 12 35 " HDR "20 " ECHO_ PING "0a");
  g_assert_cmpint (chan_recv (&c, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  chan_clear (&c);
}

/* Case 13 (L10, #590 R7): data after the proposal is the first data. */
static void
test_l10_pipelined_data (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "28 12 26 " HDR ECHO_ "68 65 6c 6c 6f"), ==,
      LP2P_MSS_SUCCESS);
  assert_sent (&c, 0, "23 12 21 " HDR ECHO_);
  assert_app (&c, "68 65 6c 6c 6f");
  chan_clear (&c);
}

/* L11: a listener cannot tell extra proposals from data: they are data. */
static void
test_l11_extra_proposal_is_data (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "35 12 33 " HDR PING NOPE), ==,
      LP2P_MSS_SUCCESS);
  assert_sent (&c, 0, "28 12 26 " HDR PING);
  assert_app (&c, NOPE);
  chan_clear (&c);
}

/* L12 (rule 9): a name without '/' gets na. */
static void
test_l12_name_without_slash (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "1d 12 1b " HDR "06 68 65 6c 6c 6f 0a"), ==,
      LP2P_MSS_NEED_MORE);
  assert_sent (&c, 0, "1a 12 18 " HDR NA);
  chan_clear (&c);
}

/* Case 18 (L13): a message without its newline. */
static void
test_l13_no_newline (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c,
          "22 12 20 " HDR "0b 2f 65 63 68 6f 2f 31 2e 30 2e 30"), ==,
      LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* L14: a proposal split across frames. */
static void
test_l14_proposal_split (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "1c 12 1a " HDR "11 2f 69 70 66 73"), ==,
      LP2P_MSS_NEED_MORE);
  assert_sent (&c, 0, "16 12 14 " HDR);
  g_assert_cmpint (chan_recv (&c,
          "0e 12 0c 2f 70 69 6e 67 2f 31 2e 30 2e 30 0a"), ==,
      LP2P_MSS_SUCCESS);
  g_assert_cmpstr (lp2p_mss_get_protocol (c.mss), ==, PING_P);
  chan_clear (&c);
}

/* L17: a flag as the first frame. */
static void
test_l17_flag_first (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "02 08 00"), ==, LP2P_MSS_VIOLATION);
  g_assert_cmpuint (c.sent->len, ==, 0);
  chan_clear (&c);
}

/* L18: a proposal declaring 2000 bytes fails once its varint is read. */
static void
test_l18_oversized_message (void)
{
  Chan c;

  chan_listener (&c);
  chan_recv (&c, "16 12 14 " HDR);
  g_assert_cmpint (chan_recv (&c, "04 12 02 d0 0f"), ==, LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* L19: an empty multistream message. */
static void
test_l19_empty_message (void)
{
  Chan c;

  chan_listener (&c);
  g_assert_cmpint (chan_recv (&c, "17 12 15 " HDR "00"), ==,
      LP2P_MSS_VIOLATION);
  chan_clear (&c);
}

/* L20: two channels negotiating at once keep independent state. */
static void
test_l20_two_channels_interleaved (void)
{
  Chan a, b;

  chan_listener (&a);
  chan_listener (&b);
  chan_recv (&a, "16 12 14 " HDR);
  chan_recv (&b, "23 12 21 " HDR NOPE);
  g_assert_cmpint (chan_recv (&a, "14 12 12 " PING), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpint (chan_recv (&b, "0f 12 0d " ECHO_), ==, LP2P_MSS_SUCCESS);
  assert_sent (&a, 0, "16 12 14 " HDR);
  assert_sent (&b, 0, "1a 12 18 " HDR NA);
  g_assert_cmpstr (lp2p_mss_get_protocol (a.mss), ==, PING_P);
  g_assert_cmpstr (lp2p_mss_get_protocol (b.mss), ==, ECHO_P);
  chan_clear (&a);
  chan_clear (&b);
}

/* Case 16: the listener answers at most LP2P_MSS_MAX_PROPOSALS proposals;
 * the next one is a violation. */
static void
test_listener_case16_proposal_bound (void)
{
  const gchar *none[] = { NULL };
  g_autoptr (Lp2pMss) m = lp2p_mss_listener_new (none, NULL, NULL);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint i;

  g_assert_cmpint (feed_hex (m, HDR, out), ==, LP2P_MSS_NEED_MORE);
  for (i = 0; i < LP2P_MSS_MAX_PROPOSALS; i++)
    g_assert_cmpint (feed_hex (m, "03 2f 78 0a", out), ==,
        LP2P_MSS_NEED_MORE);
  /* header echo + 32 na */
  g_assert_cmpuint (out->len, ==, 20 + 4 * LP2P_MSS_MAX_PROPOSALS);
  g_assert_cmpint (feed_hex (m, "03 2f 78 0a", out), ==, LP2P_MSS_VIOLATION);
  g_assert_true (strstr (lp2p_mss_get_error (m), "proposals"));
}

/* Case 17: a 141-byte protocol id is answered with na. */
static void
test_listener_case17_long_protocol_na (void)
{
  g_autoptr (Lp2pMss) m = lp2p_mss_listener_new (listener_protos, NULL, NULL);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) in = g_byte_array_new ();
  g_autoptr (GBytes) want = hex (HDR NA);
  gchar name[LP2P_MSS_MAX_PROTOCOL_LEN + 2];

  memset (name, 'x', sizeof (name));
  name[0] = '/';
  name[LP2P_MSS_MAX_PROTOCOL_LEN + 1] = 0;
  lp2p_mss_message_append (in, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (in, name, -1);
  g_assert_cmpint (lp2p_mss_feed (m, in->data, in->len, out), ==,
      LP2P_MSS_NEED_MORE);
  assert_bytes_eq (out->data, out->len, want);
}

static gboolean
accept_custom (const gchar * protocol, gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return g_str_equal (protocol, "/custom/1");
}

/* The accept callback decides on names outside the list. */
static void
test_listener_accept_callback (void)
{
  guint calls = 0;
  g_autoptr (Lp2pMss) m = lp2p_mss_listener_new (listener_protos,
      accept_custom, &calls);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) in = g_byte_array_new ();

  lp2p_mss_message_append (in, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (in, "/other/1", -1);
  lp2p_mss_message_append (in, "/custom/1", -1);
  g_assert_cmpint (lp2p_mss_feed (m, in->data, in->len, out), ==,
      LP2P_MSS_SUCCESS);
  g_assert_cmpuint (calls, ==, 2);
  g_assert_cmpstr (lp2p_mss_get_protocol (m), ==, "/custom/1");
}

/* A control character makes a name no protocol id: the listener answers
 * na itself, the application's accept callback never sees it
 * (mss-webrtc-reference.md b.3: a name that is not a valid id gets NA). */
static void
test_listener_control_character_gets_na (void)
{
  guint calls = 0;
  g_autoptr (Lp2pMss) m = lp2p_mss_listener_new (listener_protos,
      accept_custom, &calls);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GByteArray) in = g_byte_array_new ();
  g_autoptr (GByteArray) want = g_byte_array_new ();
  g_autoptr (GError) err = NULL;

  lp2p_mss_message_append (in, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (in, "/echo/1.0.0\r", -1);
  lp2p_mss_message_append (in, "/custom/1\x01", -1);
  g_assert_cmpint (lp2p_mss_feed (m, in->data, in->len, out), ==,
      LP2P_MSS_NEED_MORE);
  g_assert_cmpuint (calls, ==, 0);
  lp2p_mss_message_append (want, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (want, LP2P_MSS_NA, -1);
  lp2p_mss_message_append (want, LP2P_MSS_NA, -1);
  g_assert_cmpmem (out->data, out->len, want->data, want->len);
  g_assert_false (lp2p_mss_protocol_validate ("/a\x7f", -1, &err));
  g_assert_error (err, LP2P_MSS_ERROR, LP2P_MSS_ERROR_INVALID_PROTOCOL);
}

/* mss-webrtc-reference.md b.2: ONE frame whose message completes the
 * negotiation and that also carries FIN: the message comes first (success,
 * the data after it is the leftover), the flag is the caller's to apply to
 * the open substream.  A flag in a frame that leaves the negotiation
 * unfinished stays a violation. */
static void
test_flag_in_completing_frame (void)
{
  GError *err = NULL;
  g_autoptr (Lp2pMss) d = lp2p_mss_dialer_new (d1_protos, FALSE, &err);
  g_autoptr (Lp2pMss) d2 = lp2p_mss_dialer_new (d1_protos, FALSE, &err);
  g_autoptr (Lp2pMss) l = lp2p_mss_listener_new (listener_protos, NULL, NULL);
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GBytes) left = NULL;
  Lp2pFrame f = { 0 };

  lp2p_mss_start (d, out);
  g_byte_array_set_size (out, 0);
  lp2p_mss_message_append (msg, LP2P_MSS_HEADER, -1);
  lp2p_mss_message_append (msg, PING_P, -1);
  g_byte_array_append (msg, (const guint8 *) "hi", 2);
  f.has_flag = TRUE;
  f.flag = LP2P_FLAG_FIN;
  f.data = msg->data;
  f.size = msg->len;
  g_assert_cmpint (lp2p_mss_feed_frame (d, &f, out), ==, LP2P_MSS_SUCCESS);
  left = lp2p_mss_take_leftover (d);
  g_assert_cmpuint (g_bytes_get_size (left), ==, 2);

  /* the listener: header + proposal + data + FIN, one frame */
  g_assert_cmpint (lp2p_mss_feed_frame (l, &f, out), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpstr (lp2p_mss_get_protocol (l), ==, PING_P);

  /* header alone + FIN: still negotiating, the flag is a violation */
  lp2p_mss_start (d2, out);
  g_byte_array_set_size (msg, 0);
  lp2p_mss_message_append (msg, LP2P_MSS_HEADER, -1);
  f.data = msg->data;
  f.size = msg->len;
  g_assert_cmpint (lp2p_mss_feed_frame (d2, &f, out), ==,
      LP2P_MSS_VIOLATION);
  g_assert_true (strstr (lp2p_mss_get_error (d2), "FIN received while "
          "negotiating"));
}

/* Dialer and listener against each other, through frames: every protocol
 * list order, with fallbacks, ends in agreement on the first common id. */
static void
test_dialer_listener_roundtrip (void)
{
  const gchar *p[] = { "/x/1", "/y/1", PING_P, ECHO_P, NULL };
  GError *err = NULL;
  g_autoptr (Lp2pMss) d = lp2p_mss_dialer_new (p, FALSE, &err);
  g_autoptr (Lp2pMss) l = lp2p_mss_listener_new (listener_protos, NULL, NULL);
  g_autoptr (GByteArray) to_l = g_byte_array_new ();
  g_autoptr (GByteArray) to_d = g_byte_array_new ();
  guint rounds = 0;

  g_assert_no_error (err);
  lp2p_mss_start (d, to_l);
  while (lp2p_mss_get_status (d) == LP2P_MSS_NEED_MORE && rounds++ < 10) {
    if (lp2p_mss_get_status (l) == LP2P_MSS_NEED_MORE)
      lp2p_mss_feed (l, to_l->data, to_l->len, to_d);
    g_byte_array_set_size (to_l, 0);
    lp2p_mss_feed (d, to_d->data, to_d->len, to_l);
    g_byte_array_set_size (to_d, 0);
  }
  g_assert_cmpint (lp2p_mss_get_status (d), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpint (lp2p_mss_get_status (l), ==, LP2P_MSS_SUCCESS);
  g_assert_cmpstr (lp2p_mss_get_protocol (d), ==, PING_P);
  g_assert_cmpstr (lp2p_mss_get_protocol (l), ==, PING_P);
  g_assert_cmpuint (rounds, ==, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mss/codec/encodes-header-na-ls", test_encodes_header_na_ls);
  g_test_add_func ("/mss/codec/encodes-two-byte-length",
      test_encodes_two_byte_length);
  g_test_add_func ("/mss/codec/read-rejects-malformed",
      test_read_rejects_malformed);
  g_test_add_func ("/mss/codec/ls-response-roundtrip",
      test_ls_response_roundtrip);
  g_test_add_func ("/mss/codec/protocol-validate", test_protocol_validate);
  g_test_add_func ("/mss/dialer/new-refuses-bad-arguments",
      test_dialer_new_refuses_bad_arguments);
  g_test_add_func ("/mss/dialer/case1-success", test_dialer_case1_success);
  g_test_add_func ("/mss/dialer/case2-split-answer",
      test_dialer_case2_split_answer);
  g_test_add_func ("/mss/dialer/case3-fallback-without-header",
      test_dialer_case3_fallback_without_header);
  g_test_add_func ("/mss/dialer/case4-na-before-header",
      test_dialer_case4_na_before_header);
  g_test_add_func ("/mss/dialer/case5-rejects-unproposed-confirmation",
      test_dialer_case5_rejects_unproposed_confirmation);
  g_test_add_func ("/mss/dialer/rejects-earlier-confirmation",
      test_dialer_rejects_earlier_confirmation);
  g_test_add_func ("/mss/dialer/case6-rejected", test_dialer_case6_rejected);
  g_test_add_func ("/mss/dialer/case7-leftover", test_dialer_case7_leftover);
  g_test_add_func ("/mss/dialer/case8-header-split",
      test_dialer_case8_header_split);
  g_test_add_func ("/mss/dialer/byte-by-byte", test_dialer_byte_by_byte);
  g_test_add_func ("/mss/dialer/case9-header-twice",
      test_dialer_case9_header_twice);
  g_test_add_func ("/mss/dialer/case10-other-version",
      test_dialer_case10_other_version);
  g_test_add_func ("/mss/dialer/rejects-embedded-newline",
      test_dialer_rejects_embedded_newline);
  g_test_add_func ("/mss/dialer/rejects-invalid-utf8",
      test_dialer_rejects_invalid_utf8);
  g_test_add_func ("/mss/dialer/lazy", test_dialer_lazy);
  g_test_add_func ("/mss/dialer/d1-first-frame", test_d1_first_frame);
  g_test_add_func ("/mss/dialer/d2-first-frame-without-fallbacks",
      test_d2_first_frame_without_fallbacks);
  g_test_add_func ("/mss/dialer/d3-unproposed-fallback",
      test_d3_unproposed_fallback);
  g_test_add_func ("/mss/dialer/d4-fallback", test_d4_fallback);
  g_test_add_func ("/mss/dialer/d5-header-own-frame",
      test_d5_header_own_frame);
  g_test_add_func ("/mss/dialer/d6-header-repeated-with-fallback",
      test_d6_header_repeated_with_fallback);
  g_test_add_func ("/mss/dialer/d7-na-before-header",
      test_d7_na_before_header);
  g_test_add_func ("/mss/dialer/d8-header-missing", test_d8_header_missing);
  g_test_add_func ("/mss/dialer/d9-pipelined-data-kept",
      test_d9_pipelined_data_kept);
  g_test_add_func ("/mss/dialer/d10-data-in-next-message",
      test_d10_data_in_next_message);
  g_test_add_func ("/mss/dialer/d11-refused", test_d11_refused);
  g_test_add_func ("/mss/dialer/d12-ls-answer", test_d12_ls_answer);
  g_test_add_func ("/mss/dialer/d13-header-split-across-frames",
      test_d13_header_split_across_frames);
  g_test_add_func ("/mss/dialer/d14-d15-flags-while-negotiating",
      test_d14_d15_flags_while_negotiating);
  g_test_add_func ("/mss/dialer/d21-duplicate-header",
      test_d21_duplicate_header);
  g_test_add_func ("/mss/dialer/d22-bytes-after-final-na",
      test_d22_bytes_after_final_na);
  g_test_add_func ("/mss/dialer/bytes-after-na-with-fallback",
      test_dialer_bytes_after_na_with_fallback);
  g_test_add_func ("/mss/dialer/d23-empty-frame-ignored",
      test_d23_empty_frame_ignored);
  g_test_add_func ("/mss/dialer/bad-frame", test_dialer_bad_frame);
  g_test_add_func ("/mss/listener/l1-accepts", test_l1_accepts);
  g_test_add_func ("/mss/listener/control-character-gets-na",
      test_listener_control_character_gets_na);
  g_test_add_func ("/mss/flag-in-completing-frame",
      test_flag_in_completing_frame);
  g_test_add_func ("/mss/listener/l2-l3-na-then-accept",
      test_l2_l3_na_then_accept);
  g_test_add_func ("/mss/listener/l4-second-na", test_l4_second_na);
  g_test_add_func ("/mss/listener/l5-header-alone", test_l5_header_alone);
  g_test_add_func ("/mss/listener/l6-l7-no-header", test_l6_l7_no_header);
  g_test_add_func ("/mss/listener/l8-second-header", test_l8_second_header);
  g_test_add_func ("/mss/listener/l9-ls", test_l9_ls);
  g_test_add_func ("/mss/listener/l10-pipelined-data",
      test_l10_pipelined_data);
  g_test_add_func ("/mss/listener/l11-extra-proposal-is-data",
      test_l11_extra_proposal_is_data);
  g_test_add_func ("/mss/listener/l12-name-without-slash",
      test_l12_name_without_slash);
  g_test_add_func ("/mss/listener/l13-no-newline", test_l13_no_newline);
  g_test_add_func ("/mss/listener/l14-proposal-split",
      test_l14_proposal_split);
  g_test_add_func ("/mss/listener/l17-flag-first", test_l17_flag_first);
  g_test_add_func ("/mss/listener/l18-oversized-message",
      test_l18_oversized_message);
  g_test_add_func ("/mss/listener/l19-empty-message", test_l19_empty_message);
  g_test_add_func ("/mss/listener/l20-two-channels-interleaved",
      test_l20_two_channels_interleaved);
  g_test_add_func ("/mss/listener/case16-proposal-bound",
      test_listener_case16_proposal_bound);
  g_test_add_func ("/mss/listener/case17-long-protocol-na",
      test_listener_case17_long_protocol_na);
  g_test_add_func ("/mss/listener/accept-callback",
      test_listener_accept_callback);
  g_test_add_func ("/mss/dialer-listener-roundtrip",
      test_dialer_listener_roundtrip);
  return g_test_run ();
}
