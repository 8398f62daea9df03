/* gst-libp2p: the stream resets in an SCTP packet (see sctp.h) */
#include "sctp.h"

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

/* The parameters of one RE-CONFIG chunk's value; -1 when malformed. */
static gint
reconfig_params (const guint8 * p, gsize len, Lp2pSctpResetFunc func,
    gpointer data)
{
  gint n = 0;

  while (len > 0) {
    guint16 type, plen;
    gsize padded;

    if (len < 4)
      return -1;
    type = be16 (p);
    plen = be16 (p + 2);
    if (plen < 4 || plen > len)
      return -1;
    if (type == LP2P_SCTP_PARAM_OUTGOING_RESET) {
      /* RFC 6525 §4.1: 16 bytes, then 2 per stream */
      if (plen < 16 || (plen - 16) % 2 != 0)
        return -1;
      if (func)
        func (be32 (p + 4), p + 16, (plen - 16) / 2, data);
      n++;
    }
    padded = ((gsize) plen + 3) & ~(gsize) 3;
    if (padded >= len)
      break;
    p += padded;
    len -= padded;
  }
  return n;
}

gint
lp2p_sctp_outgoing_resets (const guint8 * pkt, gsize len,
    Lp2pSctpResetFunc func, gpointer data)
{
  const guint8 *p;
  gsize left;
  gint n = 0;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return -1;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while (left > 0) {
    guint16 clen;
    gsize padded;

    if (left < 4)
      return -1;
    clen = be16 (p + 2);
    if (clen < 4 || clen > left)
      return -1;
    if (p[0] == LP2P_SCTP_CHUNK_RECONFIG) {
      gint r = reconfig_params (p + 4, clen - 4, func, data);

      if (r < 0)
        return -1;
      n += r;
    }
    padded = ((gsize) clen + 3) & ~(gsize) 3;
    if (padded >= left)
      break;
    p += padded;
    left -= padded;
  }
  return n;
}

guint32
lp2p_sctp_chunk_types (const guint8 * pkt, gsize len)
{
  const guint8 *p;
  gsize left;
  guint32 mask = 0;

  if (pkt == NULL || len < LP2P_SCTP_COMMON_HEADER)
    return 0;
  p = pkt + LP2P_SCTP_COMMON_HEADER;
  left = len - LP2P_SCTP_COMMON_HEADER;
  while (left > 0) {
    guint16 clen;
    gsize padded;

    if (left < 4)
      return 0;
    clen = be16 (p + 2);
    if (clen < 4 || clen > left)
      return 0;
    if (p[0] < 32)
      mask |= 1u << p[0];
    padded = ((gsize) clen + 3) & ~(gsize) 3;
    if (padded >= left)
      break;
    p += padded;
    left -= padded;
  }
  return mask;
}
