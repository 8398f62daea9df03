/* Unit tests: the stream resets of an SCTP packet (gst/libp2p/sctp.h).
 * Layouts: RFC 4960 §3 (common header, chunks), RFC 6525 §3.1 (RE-CONFIG
 * chunk, type 130) and §4.1 (Outgoing SSN Reset Request Parameter, type
 * 13); §4.2 (Incoming SSN Reset Request, type 14) must be ignored. */
#include "sctp.h"
#include "hex.h"

/* common header: ports 5000 -> 5000, verification tag, checksum */
#define COMMON "13 88 13 88 0a 0b 0c 0d 11 22 33 44 "
/* RE-CONFIG, length 22: Outgoing SSN Reset Request (length 18) seq 5,
 * response seq 4, last TSN 0x10, stream 5; 2 bytes of padding */
#define RESET_5 "82 00 00 16 00 0d 00 12 00 00 00 05 00 00 00 04 " \
  "00 00 00 10 00 05 00 00 "
/* DATA chunk (type 0), length 19 (16 + "abc"), one byte of padding */
#define DATA "00 03 00 13 00 00 00 10 00 05 00 00 00 00 00 35 " \
  "61 62 63 00 "

typedef struct
{
  guint calls;
  guint32 sn[4];
  GArray *streams;              /* guint16, G_MAXUINT16 + 1 marks "all" */
} Seen;

static void
on_reset (guint32 sn, const guint8 * streams, guint n, gpointer data)
{
  Seen *s = data;
  guint i;

  if (s->calls < G_N_ELEMENTS (s->sn))
    s->sn[s->calls] = sn;
  s->calls++;
  if (n == 0) {
    guint v = G_MAXUINT16 + 1;
    g_array_append_val (s->streams, v);
  }
  for (i = 0; i < n; i++) {
    guint v = lp2p_sctp_stream_at (streams, i);
    g_array_append_val (s->streams, v);
  }
}

static gint
parse (const gchar * hexstr, Seen * s)
{
  g_autoptr (GBytes) b = hex (hexstr);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);

  s->calls = 0;
  if (s->streams == NULL)
    s->streams = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_set_size (s->streams, 0);
  return lp2p_sctp_outgoing_resets (d, len, on_reset, s);
}

#define STREAM(s, i) g_array_index ((s)->streams, guint, i)

static void
test_one_reset (void)
{
  Seen s = { 0 };

  g_assert_cmpint (parse (COMMON RESET_5, &s), ==, 1);
  g_assert_cmpuint (s.calls, ==, 1);
  g_assert_cmpuint (s.sn[0], ==, 5);
  g_assert_cmpuint (s.streams->len, ==, 1);
  g_assert_cmpuint (STREAM (&s, 0), ==, 5);
  g_array_unref (s.streams);
}

/* a DATA chunk bundled before it, several streams, every stream */
static void
test_bundled_and_lists (void)
{
  Seen s = { 0 };

  g_assert_cmpint (parse (COMMON DATA RESET_5, &s), ==, 1);
  g_assert_cmpuint (STREAM (&s, 0), ==, 5);
  /* streams 1, 3, 1023 (length 22 = 16 + 6) */
  g_assert_cmpint (parse (COMMON "82 00 00 1a 00 0d 00 16 00 00 00 07 "
          "00 00 00 06 00 00 00 20 00 01 00 03 03 ff 00 00", &s), ==, 1);
  g_assert_cmpuint (s.streams->len, ==, 3);
  g_assert_cmpuint (STREAM (&s, 0), ==, 1);
  g_assert_cmpuint (STREAM (&s, 1), ==, 3);
  g_assert_cmpuint (STREAM (&s, 2), ==, 1023);
  /* no stream numbers: every stream (length 16) */
  g_assert_cmpint (parse (COMMON "82 00 00 14 00 0d 00 10 00 00 00 08 "
          "00 00 00 07 00 00 00 21", &s), ==, 1);
  g_assert_cmpuint (STREAM (&s, 0), ==, G_MAXUINT16 + 1);
  g_array_unref (s.streams);
}

/* §4.2's Incoming SSN Reset Request (type 14) asks the peer to reset its
 * streams: not ours, not counted; a RE-CONFIG may carry both (§3.1) */
static void
test_incoming_request_ignored (void)
{
  Seen s = { 0 };

  g_assert_cmpint (parse (COMMON "82 00 00 0e 00 0e 00 0a 00 00 00 09 00 05 "
          "00 00", &s), ==, 0);
  g_assert_cmpuint (s.calls, ==, 0);
  g_assert_cmpint (parse (COMMON "82 00 00 22 00 0e 00 0a 00 00 00 09 00 05 "
          "00 00 00 0d 00 12 00 00 00 0a 00 00 00 04 00 00 00 10 00 07 "
          "00 00", &s), ==, 1);
  g_assert_cmpuint (STREAM (&s, 0), ==, 7);
  g_array_unref (s.streams);
}

static void
test_no_reset (void)
{
  Seen s = { 0 };

  g_assert_cmpint (parse (COMMON DATA, &s), ==, 0);
  g_assert_cmpint (parse (COMMON, &s), ==, 0);
  g_array_unref (s.streams);
}

/* every length is checked against what is left */
static void
test_malformed (void)
{
  Seen s = { 0 };

  /* shorter than the common header */
  g_assert_cmpint (parse ("13 88 13 88 0a 0b", &s), ==, -1);
  /* a chunk header cut short */
  g_assert_cmpint (parse (COMMON "82 00", &s), ==, -1);
  /* chunk length beyond the packet, and below its header */
  g_assert_cmpint (parse (COMMON "82 00 00 40 00 0d 00 12", &s), ==, -1);
  g_assert_cmpint (parse (COMMON "82 00 00 02", &s), ==, -1);
  /* parameter length beyond the chunk */
  g_assert_cmpint (parse (COMMON "82 00 00 0c 00 0d 00 30 00 00 00 05", &s),
      ==, -1);
  /* an Outgoing SSN Reset Request shorter than 16, or with half a stream */
  g_assert_cmpint (parse (COMMON "82 00 00 10 00 0d 00 0c 00 00 00 05 00 00 "
          "00 04", &s), ==, -1);
  g_assert_cmpint (parse (COMMON "82 00 00 18 00 0d 00 13 00 00 00 05 00 00 "
          "00 04 00 00 00 10 00 05 00 00", &s), ==, -1);
  g_assert_cmpuint (s.calls, ==, 0);
  g_array_unref (s.streams);
}

/* RFC 4960 §3.3.7 ABORT (type 6, flags, length 4) and §3.3.8 SHUTDOWN
 * (type 7, length 8: the cumulative TSN ack) end an association */
static void
test_chunk_types (void)
{
  g_autoptr (GBytes) data = hex (COMMON DATA);
  g_autoptr (GBytes) abort_ = hex (COMMON "06 00 00 04");
  g_autoptr (GBytes) shutdown = hex (COMMON DATA "07 00 00 08 00 00 00 10");
  g_autoptr (GBytes) bad = hex (COMMON "06 00 00 09");

  g_assert_cmpuint (lp2p_sctp_chunk_types (g_bytes_get_data (data, NULL),
          g_bytes_get_size (data)), ==, 1u << 0);
  g_assert_cmpuint (lp2p_sctp_chunk_types (g_bytes_get_data (abort_, NULL),
          g_bytes_get_size (abort_)) & LP2P_SCTP_ENDING_CHUNKS, !=, 0);
  g_assert_cmpuint (lp2p_sctp_chunk_types (g_bytes_get_data (shutdown,
              NULL), g_bytes_get_size (shutdown)), ==, (1u << 0) | (1u << 7));
  /* a length past the packet: nothing is trusted */
  g_assert_cmpuint (lp2p_sctp_chunk_types (g_bytes_get_data (bad, NULL),
          g_bytes_get_size (bad)), ==, 0);
}

/* RFC 6525 §3.1: a RE-CONFIG chunk (type 130, above the types
 * lp2p_sctp_chunk_types reports) anywhere in the chunk walk; a chunk
 * after a malformed one does not count (a receiver stops there) */
static gboolean
has_reconfig (const gchar * hexstr)
{
  g_autoptr (GBytes) b = hex (hexstr);

  return lp2p_sctp_has_chunk (g_bytes_get_data (b, NULL),
      g_bytes_get_size (b), LP2P_SCTP_CHUNK_RECONFIG);
}

static void
test_has_chunk (void)
{
  g_assert_true (has_reconfig (COMMON RESET_5));
  g_assert_true (has_reconfig (COMMON DATA RESET_5));
  g_assert_true (has_reconfig (COMMON "82 00 00 10 00 10 00 0c 00 00 00 05 "
          "00 00 00 01"));
  g_assert_false (has_reconfig (COMMON DATA));
  g_assert_false (has_reconfig (COMMON "06 00 00 04"));
  /* DATA whose length runs past the packet, then a RE-CONFIG */
  g_assert_false (has_reconfig (COMMON "00 03 00 40 " RESET_5));
  /* found before the fault */
  g_assert_true (has_reconfig (COMMON RESET_5 "00 03 00 40"));
  g_assert_false (has_reconfig ("13 88 13 88"));
  g_assert_false (lp2p_sctp_has_chunk (NULL, 0, LP2P_SCTP_CHUNK_RECONFIG));
}

/* RFC 6525 §4.4 Re-configuration Response Parameter (type 16): length 12
 * (response sequence number, result) or 20 (and the sender's and the
 * receiver's next TSN) */
static void
on_response (guint32 sn, guint32 result, gpointer data)
{
  GArray *a = data;

  g_array_append_val (a, sn);
  g_array_append_val (a, result);
}

static gint
responses (const gchar * hexstr, GArray * a)
{
  g_autoptr (GBytes) b = hex (hexstr);

  g_array_set_size (a, 0);
  return lp2p_sctp_reset_responses (g_bytes_get_data (b, NULL),
      g_bytes_get_size (b), on_response, a);
}

static void
test_responses (void)
{
  g_autoptr (GArray) a = g_array_new (FALSE, FALSE, sizeof (guint32));
  Seen s = { 0 };

  /* "performed" for request 5, bundled after a DATA chunk */
  g_assert_cmpint (responses (COMMON DATA "82 00 00 10 00 10 00 0c 00 00 00 "
          "05 00 00 00 01", a), ==, 1);
  g_assert_cmpuint (g_array_index (a, guint32, 0), ==, 5);
  g_assert_cmpuint (g_array_index (a, guint32, 1), ==, 1);
  /* "in progress" with the two TSNs, in one chunk with a request */
  g_assert_cmpint (responses (COMMON "82 00 00 2a 00 10 00 14 00 00 00 07 "
          "00 00 00 06 00 00 00 20 00 00 00 30 00 0d 00 12 00 00 00 05 00 00 "
          "00 04 00 00 00 10 00 05 00 00", a), ==, 1);
  g_assert_cmpuint (g_array_index (a, guint32, 0), ==, 7);
  g_assert_cmpuint (g_array_index (a, guint32, 1), ==, 6);
  /* the same packet's request is still read by the request walk */
  g_assert_cmpint (parse (COMMON "82 00 00 2a 00 10 00 14 00 00 00 07 00 00 "
          "00 06 00 00 00 20 00 00 00 30 00 0d 00 12 00 00 00 05 00 00 00 04 "
          "00 00 00 10 00 05 00 00", &s), ==, 1);
  g_assert_cmpuint (STREAM (&s, 0), ==, 5);
  /* neither 12 nor 20 bytes: malformed */
  g_assert_cmpint (responses (COMMON "82 00 00 14 00 10 00 10 00 00 00 05 "
          "00 00 00 01 00 00 00 00", a), ==, -1);
  g_assert_cmpint (responses (COMMON DATA, a), ==, 0);
  g_array_unref (s.streams);
}

/* RFC 3720 Appendix B.4 (iSCSI, the same CRC-32C): 32 zero bytes give
 * 0x8a9136aa, 32 bytes 0xff 0x62a8ab43, 0x00..0x1f 0x46dd794e; and the
 * common check value of "123456789", 0xe3069283. */
static void
test_crc32c (void)
{
  guint8 b[32];
  guint i;

  memset (b, 0, sizeof (b));
  g_assert_cmphex (lp2p_sctp_crc32c (b, 32), ==, 0x8a9136aa);
  memset (b, 0xff, sizeof (b));
  g_assert_cmphex (lp2p_sctp_crc32c (b, 32), ==, 0x62a8ab43);
  for (i = 0; i < 32; i++)
    b[i] = i;
  g_assert_cmphex (lp2p_sctp_crc32c (b, 32), ==, 0x46dd794e);
  g_assert_cmphex (lp2p_sctp_crc32c ((const guint8 *) "123456789", 9), ==,
      0xe3069283);
}

/* RFC 4960 §3.3.7: our ABORT copies the ports and the verification tag of
 * one of our packets, carries one chunk (type 6, flags 0: the T bit clear,
 * length 4) and a checksum that verifies (computed over the packet with
 * the field zeroed, written least significant byte first); an INIT's tag
 * (0) or a short packet makes none. */
static void
test_make_abort (void)
{
  /* a DATA packet of ours: ports 5000 -> 5000, tag 0x1a2b3c4d */
  const guint8 data_pkt[] = { 0x13, 0x88, 0x13, 0x88, 0x1a, 0x2b, 0x3c, 0x4d,
    0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x00, 0x14, 0, 0, 0, 1, 0, 1, 0, 0,
    0, 0, 0, 53, 0x61, 0x62, 0x63, 0x64
  };
  guint8 init_pkt[16] = { 0x13, 0x88, 0x13, 0x88, 0, 0, 0, 0 };
  guint8 out[LP2P_SCTP_ABORT_SIZE], check[LP2P_SCTP_ABORT_SIZE];
  guint32 crc;

  g_assert_true (lp2p_sctp_make_abort (data_pkt, sizeof (data_pkt), out));
  g_assert_cmpmem (out, 8, data_pkt, 8);
  g_assert_cmpuint (out[12], ==, 6);
  g_assert_cmpuint (out[13], ==, 0);
  g_assert_cmpuint (out[14], ==, 0);
  g_assert_cmpuint (out[15], ==, 4);
  memcpy (check, out, sizeof (check));
  memset (check + 8, 0, 4);
  crc = lp2p_sctp_crc32c (check, sizeof (check));
  g_assert_cmpuint (out[8] | out[9] << 8 | out[10] << 16 |
      (guint32) out[11] << 24, ==, crc);
  g_assert_cmpuint (lp2p_sctp_chunk_types (out, sizeof (out)), ==,
      1u << LP2P_SCTP_CHUNK_ABORT);
  g_assert_false (lp2p_sctp_make_abort (init_pkt, sizeof (init_pkt), out));
  g_assert_false (lp2p_sctp_make_abort (data_pkt, 11, out));
  g_assert_false (lp2p_sctp_make_abort (NULL, 0, out));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sctp/one-reset", test_one_reset);
  g_test_add_func ("/sctp/bundled-and-lists", test_bundled_and_lists);
  g_test_add_func ("/sctp/incoming-request-ignored",
      test_incoming_request_ignored);
  g_test_add_func ("/sctp/no-reset", test_no_reset);
  g_test_add_func ("/sctp/malformed", test_malformed);
  g_test_add_func ("/sctp/chunk-types", test_chunk_types);
  g_test_add_func ("/sctp/responses", test_responses);
  g_test_add_func ("/sctp/has-chunk", test_has_chunk);
  g_test_add_func ("/sctp/crc32c", test_crc32c);
  g_test_add_func ("/sctp/make-abort", test_make_abort);
  return g_test_run ();
}
