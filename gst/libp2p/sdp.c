/* gst-libp2p: SDP for a WebRTC-direct dialer (see sdp.h) */
#include "sdp.h"

#include <string.h>

G_DEFINE_QUARK (lp2p-sdp-error-quark, lp2p_sdp_error);

static const gchar ice_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

gchar *
lp2p_ufrag_new (const guint8 random[LP2P_UFRAG_RANDOM_LEN])
{
  GString *s = g_string_new (LP2P_UFRAG_PREFIX);
  guint i;

  /* 64 characters: each byte's low 6 bits pick one without bias */
  for (i = 0; i < LP2P_UFRAG_RANDOM_LEN; i++)
    g_string_append_c (s, ice_chars[random[i] & 63]);
  return g_string_free (s, FALSE);
}

gboolean
lp2p_sdp_parse_fingerprint (const gchar * value, guint8 out[32])
{
  guint i;

  if (g_ascii_strncasecmp (value, "sha-256 ", 8) != 0)
    return FALSE;
  value += 8;
  for (i = 0; i < 32; i++) {
    gint hi = g_ascii_xdigit_value (value[0]);
    gint lo = hi < 0 ? -1 : g_ascii_xdigit_value (value[1]);

    if (lo < 0)
      return FALSE;
    out[i] = (guint8) (hi << 4 | lo);
    value += 2;
    if (i < 31 && *value++ != ':')
      return FALSE;
  }
  return *value == '\0' || g_ascii_isspace (*value);
}

void
lp2p_munged_offer_clear (Lp2pMungedOffer * out)
{
  g_clear_pointer (&out->sdp, g_free);
  g_clear_pointer (&out->mid, g_free);
}

gboolean
lp2p_sdp_munge_offer (const gchar * offer, const gchar * ufrag,
    Lp2pMungedOffer * out, GError ** error)
{
  g_auto (GStrv) lines = NULL;
  GString *s;
  gboolean in_app = FALSE, seen_app = FALSE, has_mms = FALSE;
  gboolean has_ufrag = FALSE, has_pwd = FALSE, has_fp = FALSE;
  gchar **group = NULL;
  guint i;

  memset (out, 0, sizeof (*out));
  if (strlen (offer) > LP2P_SDP_MAX_LEN) {
    g_set_error (error, LP2P_SDP_ERROR, LP2P_SDP_ERROR_TOO_LONG,
        "the local offer is longer than %d bytes", LP2P_SDP_MAX_LEN);
    return FALSE;
  }
  lines = g_strsplit (offer, "\n", -1);
  s = g_string_sized_new (strlen (offer) + 128);
  for (i = 0; lines[i]; i++) {
    gchar *l = lines[i];
    gsize n = strlen (l);

    if (n && l[n - 1] == '\r')
      l[--n] = '\0';
    if (n == 0)
      continue;
    if (g_str_has_prefix (l, "m=")) {
      /* leaving the data section: add what it lacks */
      if (in_app && !has_mms)
        g_string_append_printf (s, "a=max-message-size:%d\r\n",
            LP2P_DIRECT_MAX_MESSAGE_SIZE);
      in_app = !seen_app && g_str_has_prefix (l, "m=application ");
      seen_app |= in_app;
    }
    if (g_str_has_prefix (l, "a=ice-ufrag:")) {
      g_string_append_printf (s, "a=ice-ufrag:%s\r\n", ufrag);
      has_ufrag = TRUE;
      continue;
    }
    if (g_str_has_prefix (l, "a=ice-pwd:")) {
      g_string_append_printf (s, "a=ice-pwd:%s\r\n", ufrag);
      has_pwd = TRUE;
      continue;
    }
    if (g_str_has_prefix (l, "a=fingerprint:") && !has_fp)
      has_fp = lp2p_sdp_parse_fingerprint (l + 14, out->fingerprint);
    if (g_str_has_prefix (l, "a=group:BUNDLE ") && group == NULL)
      group = g_strsplit (l + 15, " ", -1);
    if (in_app && g_str_has_prefix (l, "a=mid:") && out->mid == NULL)
      out->mid = g_strdup (l + 6);
    if (in_app && g_str_has_prefix (l, "a=max-message-size:")) {
      g_string_append_printf (s, "a=max-message-size:%d\r\n",
          LP2P_DIRECT_MAX_MESSAGE_SIZE);
      has_mms = TRUE;
      continue;
    }
    g_string_append (s, l);
    g_string_append (s, "\r\n");
  }
  if (in_app && !has_mms)
    g_string_append_printf (s, "a=max-message-size:%d\r\n",
        LP2P_DIRECT_MAX_MESSAGE_SIZE);
  out->sdp = g_string_free (s, FALSE);
  if (out->mid && group)
    out->bundle = g_strv_contains ((const gchar * const *) group, out->mid);
  g_strfreev (group);

  if (!seen_app || out->mid == NULL) {
    g_set_error_literal (error, LP2P_SDP_ERROR, LP2P_SDP_ERROR_NO_DATA_SECTION,
        "the local offer has no data section (m=application with a=mid)");
  } else if (!has_ufrag || !has_pwd) {
    g_set_error_literal (error, LP2P_SDP_ERROR, LP2P_SDP_ERROR_NO_CREDENTIALS,
        "the local offer has no a=ice-ufrag/a=ice-pwd to replace");
  } else if (!has_fp) {
    g_set_error_literal (error, LP2P_SDP_ERROR, LP2P_SDP_ERROR_NO_FINGERPRINT,
        "the local offer has no sha-256 a=fingerprint");
  } else {
    return TRUE;
  }
  lp2p_munged_offer_clear (out);
  return FALSE;
}

gchar *
lp2p_sdp_server_answer (const Lp2pWebrtcDirectAddr * addr,
    const gchar * ufrag, const gchar * mid, gboolean bundle)
{
  g_autofree gchar *fp = lp2p_fingerprint_to_sdp (addr->certhash);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s,
      "v=0\r\n"
      "o=- 0 0 IN IP%d %s\r\n"
      "s=-\r\n"
      "t=0 0\r\n", addr->family, addr->host);
  if (bundle)
    g_string_append_printf (s, "a=group:BUNDLE %s\r\n", mid);
  g_string_append_printf (s,
      "a=ice-lite\r\n"
      "m=application %u UDP/DTLS/SCTP webrtc-datachannel\r\n"
      "c=IN IP%d %s\r\n"
      "a=mid:%s\r\n"
      "a=ice-options:ice2\r\n"
      "a=ice-ufrag:%s\r\n"
      "a=ice-pwd:%s\r\n"
      "a=fingerprint:sha-256 %s\r\n"
      "a=setup:passive\r\n"
      "a=sctp-port:%d\r\n"
      "a=max-message-size:%d\r\n"
      /* the priority and foundation every libp2p dialer writes */
      "a=candidate:1467250027 1 UDP 1467250027 %s %u typ host\r\n"
      "a=end-of-candidates\r\n",
      addr->port, addr->family, addr->host, mid, ufrag, ufrag, fp,
      LP2P_DIRECT_SCTP_PORT, LP2P_DIRECT_MAX_MESSAGE_SIZE, addr->host,
      addr->port);
  return g_string_free (s, FALSE);
}
