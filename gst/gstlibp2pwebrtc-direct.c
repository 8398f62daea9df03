/* gst-libp2p: the WebRTC-direct part of the webrtcbin room (see
 * gstlibp2pwebrtc-priv.h) */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2pwebrtc-priv.h"
#include "gstlibp2putil.h"

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include "sdp.h"

GST_DEBUG_CATEGORY_EXTERN (libp2p_webrtc_debug);
#define GST_CAT_DEFAULT libp2p_webrtc_debug

/* ---- WebRTC-direct ---- */

void
gst_libp2p_rtc_configure_direct_ice (GstLibp2pRtc * rtc, gint loopback_family)
{
  GstWebRTCICE *ice = NULL;
  GObject *agent = NULL;
  gboolean ok = FALSE;

  g_object_get (rtc->webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent) {
    /* libnice 0.1.21: binding requests (not indications) as keepalives go
     * out every 4-6 s (RFC 7675 pacing) instead of every 25 s; litep2p's
     * ICE-lite agent drops a pair after 15 s without a request. */
    if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent),
            "keepalive-conncheck"))
      g_object_set (agent, "keepalive-conncheck", TRUE, NULL);
    if (loopback_family)
      g_object_set (agent, "upnp", FALSE, NULL);
    g_object_unref (agent);
  }
  if (loopback_family) {
    g_signal_emit_by_name (ice, "add-local-ip-address",
        loopback_family == 4 ? "127.0.0.1" : "::1", &ok);
    if (!ok)
      GST_WARNING_OBJECT (rtc->webrtcbin, "could not add the loopback "
          "address");
  }
  gst_object_unref (ice);
}

typedef GstLibp2pPending Pending;

/* A promise's callback may run after the element stopped and dropped its
 * GstLibp2pRtc (webrtcbin answers on its own thread; seen under ASan: a
 * listener stopped while a client's remote description was being set):
 * each pending step holds a reference. */
static Pending *
pending_new (GstLibp2pRtc * rtc, gpointer func, gpointer data,
    GDestroyNotify free_data)
{
  return gst_libp2p_pending_new (gst_libp2p_rtc_ref (rtc), func, data,
      free_data);
}

static void
pending_free (gpointer p)
{
  GstLibp2pRtc *rtc = ((Pending *) p)->owner;

  gst_libp2p_pending_free (p);
  gst_libp2p_rtc_unref (rtc);
}

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  Pending *pd = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *offer = NULL;
  g_autofree gchar *text = NULL;

  if (reply)
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &offer, NULL);
  gst_promise_unref (promise);
  if (offer) {
    text = gst_sdp_message_as_text (offer->sdp);
    gst_webrtc_session_description_free (offer);
  }
  ((GstLibp2pRtcOfferFunc) pd->func) (pd->data, text,
      text ? NULL : "webrtcbin made no offer");
}

void
gst_libp2p_rtc_create_offer (GstLibp2pRtc * rtc, GstLibp2pRtcOfferFunc done,
    gpointer data, GDestroyNotify free_data)
{
  g_signal_emit_by_name (rtc->webrtcbin, "create-offer", NULL,
      gst_promise_new_with_change_func (on_offer_created,
          pending_new (rtc, done, data, free_data), pending_free));
}

/* The dialer's offer is local and its answer remote; the listener's the
 * other way round. */
static void
set_description (GstLibp2pRtc * rtc, GstWebRTCSDPType type, gboolean local,
    const gchar * text, GstPromise * promise)
{
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *desc;

  gst_sdp_message_new_from_text (text, &sdp);
  desc = gst_webrtc_session_description_new (type, sdp);
  g_signal_emit_by_name (rtc->webrtcbin, local ? "set-local-description" :
      "set-remote-description", desc, promise);
  gst_webrtc_session_description_free (desc);
}

static void
on_remote_set (GstPromise * promise, gpointer user_data)
{
  Pending *pd = user_data;
  g_autofree gchar *err = gst_libp2p_promise_error (promise);

  gst_promise_unref (promise);
  ((GstLibp2pRtcDoneFunc) pd->func) (pd->data, TRUE, err);
}

static void
on_local_set (GstPromise * promise, gpointer user_data)
{
  Pending *pd = user_data;
  g_autofree gchar *err = gst_libp2p_promise_error (promise);
  Pending *next;

  gst_promise_unref (promise);
  if (err) {
    ((GstLibp2pRtcDoneFunc) pd->func) (pd->data, FALSE, err);
    return;
  }
  /* the caller's data moves on to the second step */
  next = pending_new (pd->owner, pd->func, pd->data, pd->free_data);
  pd->free_data = NULL;
  set_description (pd->owner, GST_WEBRTC_SDP_TYPE_ANSWER, FALSE, pd->answer,
      gst_promise_new_with_change_func (on_remote_set, next, pending_free));
}

void
gst_libp2p_rtc_set_descriptions (GstLibp2pRtc * rtc, const gchar * offer,
    const gchar * answer, GstLibp2pRtcDoneFunc done, gpointer data,
    GDestroyNotify free_data)
{
  Pending *pd = pending_new (rtc, done, data, free_data);

  pd->answer = g_strdup (answer);
  set_description (rtc, GST_WEBRTC_SDP_TYPE_OFFER, TRUE, offer,
      gst_promise_new_with_change_func (on_local_set, pd, pending_free));
}

void
gst_libp2p_rtc_get_certificates (GstLibp2pRtc * rtc, gchar ** local,
    gchar ** remote)
{
  GObject *sctp = NULL, *dtls = NULL;

  *local = *remote = NULL;
  g_object_get (rtc->webrtcbin, "sctp-transport", &sctp, NULL);
  if (sctp) {
    g_object_get (sctp, "transport", &dtls, NULL);
    g_object_unref (sctp);
  }
  if (dtls) {
    g_object_get (dtls, "certificate", local, "remote-certificate", remote,
        NULL);
    g_object_unref (dtls);
  }
}

gboolean
gst_libp2p_rtc_ice_connected (GstLibp2pRtc * rtc)
{
  GstWebRTCICEConnectionState ice = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;

  g_object_get (rtc->webrtcbin, "ice-connection-state", &ice, NULL);
  return ice == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED ||
      ice == GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED;
}


/* ---- the listener's side ---- */

/* webrtcbin 1.22's dtlsdec connects its on-peer-certificate handler (the
 * one that accepts the remote's self-signed certificate) when it goes to
 * READY: a "pem" set later makes a new DTLS connection without it, and
 * every handshake fails with "certificate verify failed".  So our
 * certificate goes into dtlssrtpdec as it is added, and no state change
 * may pass it meanwhile: webrtcbin adds the transport's bins on its own
 * thread (set-remote-description) while the bin's PAUSED->PLAYING may still
 * walk webrtcbin's children on another, and a bin's children are in its
 * list before deep-element-added (measured: 3 of 8 runs of the listener's
 * first two tests failed so, with the pem set at "NULL").  The element's
 * state is locked, its state lock taken (a change under way ends first),
 * brought back to NULL if it got past, given the pem, then synced. */
static void
on_deep_element_added (GstBin * webrtc, GstBin * sub, GstElement * element,
    const gchar * pem)
{
  GstState was;

  if (!gst_libp2p_is_factory (element, "dtlssrtpdec"))
    return;
  gst_element_set_locked_state (element, TRUE);
  GST_STATE_LOCK (element);
  was = GST_STATE (element);
  if (was != GST_STATE_NULL)
    gst_element_set_state (element, GST_STATE_NULL);
  g_object_set (element, "pem", pem, NULL);
  GST_STATE_UNLOCK (element);
  gst_element_set_locked_state (element, FALSE);
  GST_DEBUG_OBJECT (webrtc, "our certificate into %" GST_PTR_FORMAT
      " (it was %s)", element, gst_element_state_get_name (was));
  gst_element_sync_state_with_parent (element);
}

GstElement *
gst_libp2p_rtc_make_webrtcbin (GstObject * ice_agent, const gchar * name,
    const gchar * certificate)
{
  GstElement *webrtc;

  /* webrtcbin 1.22 takes the caller's reference of its ice-agent and
   * drops it in finalize (listener-notes.md) */
  webrtc = gst_element_factory_make_full ("webrtcbin", "name", name,
      "ice-agent", ice_agent, "bundle-policy",
      GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  if (webrtc)
    g_signal_connect_data (webrtc, "deep-element-added",
        G_CALLBACK (on_deep_element_added), g_strdup (certificate),
        (GClosureNotify) g_free, 0);
  return webrtc;
}

typedef struct
{
  GstLibp2pPending *pd;
  gchar *local;                 /* our ICE ufrag = password */
} Accept;

static void
accept_free (gpointer p)
{
  Accept *a = p;

  pending_free (a->pd);
  g_free (a->local);
  g_free (a);
}

static void
accept_done (Accept * a, const gchar * error)
{
  ((GstLibp2pRtcDoneFunc) a->pd->func) (a->pd->data, FALSE, error);
}

static void
on_accept_local_set (GstPromise * promise, gpointer user_data)
{
  Accept *a = user_data;
  g_autofree gchar *err = gst_libp2p_promise_error (promise);

  gst_promise_unref (promise);
  accept_done (a, err);
}

static void
on_answer_created (GstPromise * promise, gpointer user_data)
{
  Accept *a = user_data;
  GstLibp2pRtc *rtc = a->pd->owner;
  const GstStructure *reply = gst_promise_get_reply (promise);
  GstWebRTCSessionDescription *answer = NULL;
  g_autofree gchar *text = NULL;
  g_autoptr (GError) err = NULL;
  Lp2pMungedOffer m;

  if (reply)
    gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &answer, NULL);
  gst_promise_unref (promise);
  if (answer) {
    text = gst_sdp_message_as_text (answer->sdp);
    gst_webrtc_session_description_free (answer);
  }
  if (text == NULL) {
    accept_done (a, "webrtcbin made no answer to the inferred offer");
    accept_free (a);
    return;
  }
  /* our ufrag and password become the ones the client assumed */
  if (!lp2p_sdp_munge_offer (text, a->local, &m, &err)) {
    accept_done (a, err->message);
    accept_free (a);
    return;
  }
  GST_DEBUG_OBJECT (rtc->webrtcbin, "answer:\n%s", m.sdp);
  set_description (rtc, GST_WEBRTC_SDP_TYPE_ANSWER, TRUE, m.sdp,
      gst_promise_new_with_change_func (on_accept_local_set, a, accept_free));
  lp2p_munged_offer_clear (&m);
}

static void
on_accept_remote_set (GstPromise * promise, gpointer user_data)
{
  Accept *a = user_data;
  GstLibp2pRtc *rtc = a->pd->owner;
  g_autofree gchar *err = gst_libp2p_promise_error (promise);

  gst_promise_unref (promise);
  if (err) {
    accept_done (a, err);
    accept_free (a);
    return;
  }
  g_signal_emit_by_name (rtc->webrtcbin, "create-answer", NULL,
      gst_promise_new_with_change_func (on_answer_created, a, NULL));
}

void
gst_libp2p_rtc_accept (GstLibp2pRtc * rtc, const gchar * offer,
    const gchar * local, GstLibp2pRtcDoneFunc done,
    gpointer data, GDestroyNotify free_data)
{
  Accept *a = g_new0 (Accept, 1);

  a->pd = pending_new (rtc, done, data, free_data);
  a->local = g_strdup (local);
  set_description (rtc, GST_WEBRTC_SDP_TYPE_OFFER, FALSE, offer,
      gst_promise_new_with_change_func (on_accept_remote_set, a, NULL));
}
