/* libFuzzer target: multistream-select listener (gst/libp2p/mss.h), fed
 * the dialer's bytes.  The first byte picks the chunk size.  Invariants:
 * the result does not depend on how the input is cut (the same status,
 * protocol, output bytes and application bytes as one whole input); the
 * output per input byte is bounded (ls answers at most once per 4 bytes). */
#include "fuzz_mss_common.h"

static const gchar *const protos[] = { "/echo/1.0.0", "/ipfs/ping/1.0.0",
  NULL
};

static gboolean
accept_odd (const gchar * protocol, gpointer user_data)
{
  return strlen (protocol) % 2 == 1;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  gsize step;
  GByteArray *out1, *app1, *out2, *app2;
  Lp2pMss *a, *b;
  Lp2pMssStatus s1, s2;

  if (size == 0)
    return 0;
  step = 1 + data[0] % 32;
  data++;
  size--;

  a = lp2p_mss_listener_new (protos, accept_odd, NULL);
  b = lp2p_mss_listener_new (protos, accept_odd, NULL);
  out1 = g_byte_array_new ();
  app1 = g_byte_array_new ();
  out2 = g_byte_array_new ();
  app2 = g_byte_array_new ();

  s1 = fuzz_mss_run (a, data, size, step, out1, app1);
  s2 = fuzz_mss_run (b, data, size, G_MAXSIZE, out2, app2);
  g_assert (s1 == s2);
  g_assert (out1->len == out2->len);
  g_assert (out1->len == 0 || memcmp (out1->data, out2->data, out1->len) == 0);
  g_assert (app1->len == app2->len);
  g_assert (app1->len == 0 || memcmp (app1->data, app2->data, app1->len) == 0);
  if (s1 == LP2P_MSS_SUCCESS)
    g_assert (g_str_equal (lp2p_mss_get_protocol (a),
            lp2p_mss_get_protocol (b)));
  /* Header echo + (at most 33 answers, each at most an ls answer). */
  g_assert (out1->len <= 20 + (LP2P_MSS_MAX_PROPOSALS + 1) * 64);

  g_byte_array_unref (out1);
  g_byte_array_unref (app1);
  g_byte_array_unref (out2);
  g_byte_array_unref (app2);
  lp2p_mss_free (a);
  lp2p_mss_free (b);
  return 0;
}
