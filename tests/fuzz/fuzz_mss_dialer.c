/* libFuzzer target: multistream-select dialer (gst/libp2p/mss.h), fed the
 * listener's bytes.  The first byte picks the proposal list, lazy mode and
 * the chunk size.  Invariants: success only on a protocol we proposed; the
 * output never repeats the header (one header, then bare fallbacks); the
 * output stays bounded by the proposals; nothing after success is lost. */
#include "fuzz_mss_common.h"

static const gchar *const lists[][4] = {
  {"/echo/1.0.0", NULL},
  {"/nope/1.0.0", "/echo/1.0.0", NULL},
  {"/a", "/b", "/ipfs/ping/1.0.0", NULL},
  {"/ipfs/ping/1.0.0", NULL},
};

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  const gchar *const *protos;
  gboolean lazy;
  gsize step, i, hdr_count = 0;
  GByteArray *out, *app;
  Lp2pMss *mss;
  Lp2pMssStatus st;
  GError *err = NULL;

  if (size == 0)
    return 0;
  protos = lists[data[0] & 3];
  lazy = (data[0] & 4) && protos[1] == NULL;
  step = 1 + (data[0] >> 3);
  data++;
  size--;

  mss = lp2p_mss_dialer_new (protos, lazy, &err);
  g_assert (mss != NULL && err == NULL);
  out = g_byte_array_new ();
  app = g_byte_array_new ();
  st = fuzz_mss_run (mss, data, size, step, out, app);

  if (st == LP2P_MSS_SUCCESS) {
    gboolean proposed = FALSE;

    for (i = 0; protos[i]; i++)
      proposed |= g_str_equal (protos[i], lp2p_mss_get_protocol (mss));
    g_assert (proposed);
    g_assert (app->len <= size);
  } else {
    g_assert (app->len == 0);
  }
  if (st != LP2P_MSS_NEED_MORE && st != LP2P_MSS_SUCCESS)
    g_assert (!lp2p_mss_is_writable (mss));
  /* The header appears exactly once in what we sent. */
  for (i = 0; i + 19 <= out->len; i++)
    if (memcmp (out->data + i, "/multistream/1.0.0\n", 19) == 0)
      hdr_count++;
  g_assert (hdr_count == 1);
  g_assert (out->len <= 20 + 4 * (LP2P_MSS_MAX_PROTOCOL_LEN + 3));

  g_byte_array_unref (out);
  g_byte_array_unref (app);
  lp2p_mss_free (mss);
  return 0;
}
