/* Shared by the multistream-select fuzz targets: feeds @data to @mss in
 * chunks of @step bytes until the negotiation ends, collecting the output
 * and, after success, the application bytes (leftover + later chunks). */
#ifndef __FUZZ_MSS_COMMON_H__
#define __FUZZ_MSS_COMMON_H__

#include "mss.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static inline Lp2pMssStatus
fuzz_mss_run (Lp2pMss * mss, const guint8 * data, gsize size, gsize step,
    GByteArray * out, GByteArray * app)
{
  Lp2pMssStatus st = LP2P_MSS_NEED_MORE;
  gsize off = 0;

  lp2p_mss_start (mss, out);
  while (off < size) {
    gsize n = MIN (step, size - off);

    if (st == LP2P_MSS_NEED_MORE) {
      st = lp2p_mss_feed (mss, data + off, n, out);
      g_assert (st == lp2p_mss_get_status (mss));
      if (st == LP2P_MSS_SUCCESS) {
        GBytes *left = lp2p_mss_take_leftover (mss);

        g_assert (lp2p_mss_get_protocol (mss) != NULL);
        g_assert (lp2p_mss_protocol_validate (lp2p_mss_get_protocol (mss), -1,
                NULL));
        g_byte_array_append (app, g_bytes_get_data (left, NULL),
            g_bytes_get_size (left));
        g_bytes_unref (left);
      } else if (st != LP2P_MSS_NEED_MORE) {
        g_assert (lp2p_mss_get_error (mss) != NULL);
      }
    } else if (st == LP2P_MSS_SUCCESS) {
      g_byte_array_append (app, data + off, n);
    }
    off += n;
  }
  return st;
}

#endif
