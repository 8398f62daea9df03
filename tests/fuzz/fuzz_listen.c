/* libFuzzer target: a first Binding Request's USERNAME and the listen
 * address (gst/libp2p/listen.h).  Invariants: accepted credentials are
 * ICE characters of bounded length, v1 has both halves equal and the
 * client's password is ours, v2's password is ours minus the prefix; the
 * inferred offer carries them. */
#include "listen.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  Lp2pIceCredentials c;
  Lp2pListenAddr a;
  g_autofree gchar *offer = NULL;

  if (lp2p_ice_credentials_from_username (data, size, &c, NULL)) {
    g_assert (c.version == 1 || c.version == 2);
    g_assert (strlen (c.local) <= LP2P_ICE_MAX);
    g_assert (strlen (c.client_ufrag) <= LP2P_ICE_MAX);
    if (c.version == 1) {
      g_assert (strcmp (c.local, c.client_ufrag) == 0);
      g_assert (strcmp (c.local, c.client_pwd) == 0);
    } else {
      g_assert (strcmp (c.local + strlen (LP2P_UFRAG_PREFIX_V2),
              c.client_pwd) == 0);
    }
    offer = lp2p_sdp_client_offer (&c, 4, "127.0.0.1", 1);
    g_assert (strstr (offer, c.client_pwd));
    lp2p_ice_credentials_clear (&c);
  }
  if (lp2p_listen_addr_parse (text, &a, NULL))
    g_assert (a.family == 4 || a.family == 6);
  return 0;
}
