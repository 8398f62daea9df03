/* libFuzzer target: the SCTP reset and response readers, chunk walk and
 * ABORT maker (gst/libp2p/sctp.h).
 * Invariants: no read outside the packet (ASan); every reported request's
 * streams lie inside the packet; the count returned is the number of
 * calls, or -1 after at most as many calls as requests found. */
#include "sctp.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

typedef struct
{
  const guint8 *start, *end;
  gint calls;
} Ctx;

static void
on_reset (guint32 sn, const guint8 * streams, guint n, gpointer data)
{
  Ctx *c = data;
  guint i, sum = 0;

  g_assert (streams >= c->start && streams + 2 * (gsize) n <= c->end);
  for (i = 0; i < n; i++)
    sum += lp2p_sctp_stream_at (streams, i);
  (void) sum;
  (void) sn;
  c->calls++;
}

static void
on_response (guint32 sn, guint32 result, gpointer data)
{
  (*(gint *) data)++;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  Ctx c = { data, data + size, 0 };
  gint n = lp2p_sctp_outgoing_resets (data, size, on_reset, &c);

  gint responses = 0;

  g_assert (n == -1 || n == c.calls);
  /* the response reader: the same walk, its own count */
  n = lp2p_sctp_reset_responses (data, size, on_response, &responses);
  g_assert (n == -1 || n == responses);
  /* the chunk walk: no read outside the packet; nothing of a packet
   * shorter than its common header */
  if (size < LP2P_SCTP_COMMON_HEADER)
    g_assert (lp2p_sctp_chunk_types (data, size) == 0);
  else
    (void) lp2p_sctp_chunk_types (data, size);
  /* a RE-CONFIG chunk found by the walk is one the request or response
   * readers walked into (they fail only on what comes after it) */
  if (lp2p_sctp_has_chunk (data, size, LP2P_SCTP_CHUNK_RECONFIG))
    g_assert (size >= LP2P_SCTP_COMMON_HEADER + 4);
  if (size < LP2P_SCTP_COMMON_HEADER)
    g_assert (!lp2p_sctp_has_chunk (data, size, 0));

  /* an ABORT made of any packet: its ports and tag, one ABORT chunk, a
   * checksum that verifies */
  {
    guint8 out[LP2P_SCTP_ABORT_SIZE], zeroed[LP2P_SCTP_ABORT_SIZE];

    if (lp2p_sctp_make_abort (data, size, out)) {
      g_assert (memcmp (out, data, 8) == 0);
      g_assert (lp2p_sctp_chunk_types (out, sizeof (out)) ==
          1u << LP2P_SCTP_CHUNK_ABORT);
      memcpy (zeroed, out, sizeof (out));
      memset (zeroed + 8, 0, 4);
      g_assert (lp2p_sctp_crc32c (zeroed, sizeof (zeroed)) ==
          (out[8] | out[9] << 8 | out[10] << 16 | (guint32) out[11] << 24));
    }
  }
  return 0;
}
