/* libFuzzer target: munging a local offer (gst/libp2p/sdp.h).
 * Invariants: a munged offer carries our credentials and
 * max-message-size 16384, every line ends with CRLF, and munging it again
 * gives the same text (idempotent). */
#include "sdp.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  const gchar *u = LP2P_UFRAG_PREFIX "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz";
  Lp2pMungedOffer m, m2;

  if (!lp2p_sdp_munge_offer (text, u, &m, NULL))
    return 0;
  g_assert (strstr (m.sdp, "a=max-message-size:16384\r\n"));
  g_assert (strstr (m.sdp, u));
  g_assert (g_str_has_suffix (m.sdp, "\r\n"));
  g_assert (lp2p_sdp_munge_offer (m.sdp, u, &m2, NULL));
  g_assert (strcmp (m.sdp, m2.sdp) == 0);
  g_assert (strcmp (m.mid, m2.mid) == 0);
  lp2p_munged_offer_clear (&m2);
  lp2p_munged_offer_clear (&m);
  return 0;
}
