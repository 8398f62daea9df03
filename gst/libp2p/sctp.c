/* gst-libp2p: the stream resets in an SCTP packet (see sctp.h) */
#include "sctp.h"

#include <string.h>

static guint16
be16 (const guint8 * p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

/* What a walk of RE-CONFIG parameters reports: requests or responses */
typedef struct
{
  Lp2pSctpResetFunc reset;
  Lp2pSctpResponseFunc response;
  gpointer data;
} Want;

/* One parameter (@p, @plen bytes with its header): 1 when reported, 0
 * when of another type, -1 when malformed. */
static gint
reconfig_param (const guint8 * p, guint16 type, guint16 plen, const Want * w)
{
  if (w->reset && type == LP2P_SCTP_PARAM_OUTGOING_RESET) {
    /* RFC 6525 §4.1: 16 bytes, then 2 per stream */
    if (plen < 16 || (plen - 16) % 2 != 0)
      return -1;
    w->reset (be32 (p + 4), p + 16, (plen - 16) / 2, w->data);
    return 1;
  }
  if (w->response && type == LP2P_SCTP_PARAM_RESPONSE) {
    /* §4.4: sequence number, result, optionally two TSNs */
    if (plen != 12 && plen != 20)
      return -1;
    w->response (be32 (p + 4), be32 (p + 8), w->data);
    return 1;
  }
  return 0;
}

/* The parameters of one RE-CONFIG chunk's value; -1 when malformed. */
static gint
reconfig_params (const guint8 * p, gsize len, const Want * w)
{
  gint n = 0;

  while (len > 0) {
    guint16 plen;
    gsize padded;
    gint r;

    if (len < 4)
      return -1;
    plen = be16 (p + 2);
    if (plen < 4 || plen > len)
      return -1;
    if ((r = reconfig_param (p, be16 (p), plen, w)) < 0)
      return -1;
    n += r;
    padded = ((gsize) plen + 3) & ~(gsize) 3;
    if (padded >= len)
      break;
    p += padded;
    len -= padded;
  }
  return n;
}

/* One step of a packet's chunk walk (RFC 4960 §3.2: type, flags, length
 * with the 4-byte header, padded to 4): 1 and the chunk's type and value,
 * 0 at the end, -1 when malformed. */
static gint
next_chunk (const guint8 ** p, gsize * left, guint8 * type,
    const guint8 ** value, gsize * vlen)
{
  guint16 clen;
  gsize padded;

  if (*left == 0)
    return 0;
  if (*left < 4)
    return -1;
  clen = be16 (*p + 2);
  if (clen < 4 || clen > *left)
    return -1;
  *type = (*p)[0];
  *value = *p + 4;
  *vlen = clen - 4;
  padded = MIN (((gsize) clen + 3) & ~(gsize) 3, *left);
  *p += padded;
  *left -= padded;
  return 1;
}

/* Every RE-CONFIG chunk's parameters of the kinds @w wants */
static gint
walk_reconfig (const guint8 * pkt, gsize len, const Want * w)
{
  const guint8 *p, *value;
  gsize left, vlen;
  guint8 type;
  gint n = 0, r;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return -1;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while ((r = next_chunk (&p, &left, &type, &value, &vlen)) > 0) {
    if (type == LP2P_SCTP_CHUNK_RECONFIG) {
      gint got = reconfig_params (value, vlen, w);

      if (got < 0)
        return -1;
      n += got;
    }
  }
  return r < 0 ? -1 : n;
}

static void
no_reset (guint32 sn, const guint8 * streams, guint n, gpointer data)
{
}

static void
no_response (guint32 sn, guint32 result, gpointer data)
{
}

gint
lp2p_sctp_outgoing_resets (const guint8 * pkt, gsize len,
    Lp2pSctpResetFunc func, gpointer data)
{
  Want w = { func ? func : no_reset, NULL, data };

  return walk_reconfig (pkt, len, &w);
}

gint
lp2p_sctp_reset_responses (const guint8 * pkt, gsize len,
    Lp2pSctpResponseFunc func, gpointer data)
{
  Want w = { NULL, func ? func : no_response, data };

  return walk_reconfig (pkt, len, &w);
}

guint32
lp2p_sctp_chunk_types (const guint8 * pkt, gsize len)
{
  const guint8 *p, *value;
  gsize left, vlen;
  guint32 mask = 0;
  guint8 type;
  gint r;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return 0;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while ((r = next_chunk (&p, &left, &type, &value, &vlen)) > 0)
    if (type < 32)
      mask |= 1u << type;
  return r < 0 ? 0 : mask;
}

gboolean
lp2p_sctp_has_chunk (const guint8 * pkt, gsize len, guint8 type)
{
  const guint8 *p, *value;
  gsize left, vlen;
  guint8 t;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return FALSE;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while (next_chunk (&p, &left, &t, &value, &vlen) > 0)
    if (t == type)
      return TRUE;
  return FALSE;
}

/* ---- an ABORT of our own ---- */

/* CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit: 16 bytes per
 * ABORT, nothing to gain from a table */
guint32
lp2p_sctp_crc32c (const guint8 * data, gsize len)
{
  guint32 crc = 0xffffffffu;
  gsize i;
  gint b;

  for (i = 0; i < len; i++) {
    crc ^= data[i];
    for (b = 0; b < 8; b++)
      crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

gboolean
lp2p_sctp_make_abort (const guint8 * ours, gsize len,
    guint8 out[LP2P_SCTP_ABORT_SIZE])
{
  guint32 crc;

  /* an INIT carries verification tag 0: not the association's */
  if (ours == NULL || len < LP2P_SCTP_COMMON_HEADER || be32 (ours + 4) == 0)
    return FALSE;
  /* ports and verification tag as in our packets, checksum 0 for now */
  memcpy (out, ours, 8);
  memset (out + 8, 0, 4);
  /* RFC 4960 §3.3.7: ABORT, T bit 0 (our peer's tag), no cause */
  out[12] = LP2P_SCTP_CHUNK_ABORT;
  out[13] = 0;
  out[14] = 0;
  out[15] = 4;
  /* Appendix B: the CRC's bytes least significant first (as usrsctp and
   * Linux write it) */
  crc = lp2p_sctp_crc32c (out, LP2P_SCTP_ABORT_SIZE);
  out[8] = crc & 0xff;
  out[9] = (crc >> 8) & 0xff;
  out[10] = (crc >> 16) & 0xff;
  out[11] = (crc >> 24) & 0xff;
  return TRUE;
}
