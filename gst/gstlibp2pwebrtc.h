/* gst-libp2p: the one room that talks to webrtcbin
 *
 * Every call into webrtcbin's and GstWebRTCDataChannel's API (signals,
 * properties, create-data-channel, SDP, send-data, the ICE agent, the DTLS
 * transport) is in gstlibp2pwebrtc.c and gstlibp2pwebrtc-direct.c (and our
 * own ICE agent in gstlibp2pice.c); scripts/check-rooms.sh keeps it so.  The rest of the plugin sees two opaque
 * things:
 *
 *   GstLibp2pRtc      one webrtcbin carrying one connection: inbound data
 *                     channels and the PeerConnection state are reported
 *                     through GstLibp2pRtcFuncs;
 *   GstLibp2pChannel  one data channel: its events are reported through
 *                     GstLibp2pChannelFuncs, always from webrtcbin's single
 *                     operations thread (webrtcbin 1.22 emits every channel
 *                     signal there), so a handler never blocks.
 *
 * A channel's lifetime has one rule, here: gst_libp2p_channel_release()
 * disconnects our handlers (waiting for an emission under way to return),
 * closes the channel and keeps the GstWebRTCDataChannel object until it is
 * CLOSED.  Then, on webrtcbin 1.22 .. 1.25.0, its elements (appsrc,
 * appsink and their bins) are taken out of the webrtcbin as 1.25.1 does
 * itself, and the object goes; where that cannot be done safely it is kept
 * until gst_libp2p_rtc_close(), called once the webrtcbin left PAUSED
 * (webrtcbin 1.22 goes on using a closed channel from its appsrc's thread
 * while that runs, and crashes if our unref was the last one).
 *
 * Threads: any; GstLibp2pRtc's own state is guarded by its lock, which is
 * never held while calling into webrtcbin.
 */
#ifndef __GST_LIBP2P_WEBRTC_H__
#define __GST_LIBP2P_WEBRTC_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pRtc GstLibp2pRtc;
typedef struct _GstLibp2pChannel GstLibp2pChannel;

typedef enum
{
  GST_LIBP2P_RTC_STATE_CONNECTING,
  /* the PeerConnection is CONNECTED, its SCTP association not yet */
  GST_LIBP2P_RTC_STATE_TRANSPORT_UP,
  GST_LIBP2P_RTC_STATE_CONNECTED,
  GST_LIBP2P_RTC_STATE_FAILED,
  GST_LIBP2P_RTC_STATE_CLOSED,
} GstLibp2pRtcState;

typedef struct
{
  /* A channel the remote opened (not negotiated, id != 0); the callee
   * takes @channel (release it when not wanted). */
  void (*data_channel) (gpointer data, GstLibp2pChannel * channel);
  void (*state) (gpointer data, GstLibp2pRtcState state);
} GstLibp2pRtcFuncs;

typedef struct
{
  void (*open) (gpointer data);
  void (*message) (gpointer data, GBytes * bytes);
  void (*buffered_low) (gpointer data);
  void (*closed) (gpointer data);
  void (*error) (gpointer data, const GError * error);
} GstLibp2pChannelFuncs;

/* Connects to @webrtcbin's signals; @data is referenced with @ref for as
 * long as a handler may run and released with @unref. */
GstLibp2pRtc *gst_libp2p_rtc_new (GstElement * webrtcbin,
    const GstLibp2pRtcFuncs * funcs, gpointer data, gpointer (*ref) (gpointer),
    GDestroyNotify unref);
/* Disconnects, and drops the released channel objects: call once the
 * webrtcbin is back in READY (its channel threads have stopped).  The
 * struct itself lives on while referenced (a callback under way). */
void gst_libp2p_rtc_close (GstLibp2pRtc * rtc);
/* The webrtcbin is about to leave PAUSED: channels that close from now on
 * are left to its own teardown. */
void gst_libp2p_rtc_begin_stop (GstLibp2pRtc * rtc);
/* Sends the remote an SCTP ABORT (gstlibp2psctpend.c) while the webrtcbin
 * is still PLAYING (in PAUSED its ICE sink waits for preroll and would
 * keep it); TRUE when it went out. */
gboolean gst_libp2p_rtc_abort (GstLibp2pRtc * rtc);
/* The webrtcbin or an ancestor is being set below PAUSED. */
gboolean gst_libp2p_rtc_going_down (GstLibp2pRtc * rtc);
/* Backpressure before SCTP (gstlibp2pgate.c): @hold keeps the remote's
 * DATA out of usrsctp (unacknowledged, so the remote stops and
 * retransmits); FALSE hands what was kept on from the calling thread,
 * which must hold none of the connection's locks.  @seq: increasing with
 * each change, so that a late call from another thread is ignored. */
void gst_libp2p_rtc_hold_receive (GstLibp2pRtc * rtc, gboolean hold,
    guint seq);
void gst_libp2p_rtc_receive_stats (GstLibp2pRtc * rtc, GstStructure * s);
/* The connection is over (lost, failed, closed): webrtcbin makes no new
 * channel for streams the remote still resets or opens (1.22 would link
 * one to an SCTP association that is gone: g_warn_if_reached in
 * link_to_sctp). */
void gst_libp2p_rtc_ended (GstLibp2pRtc * rtc);
/* Closed channels' elements are taken out at CLOSED (webrtcbin 1.22 ..
 * 1.25.0; later versions do it themselves); FALSE (the default): closed
 * channel objects are kept until gst_libp2p_rtc_close(). */
void gst_libp2p_rtc_set_free_closed (GstLibp2pRtc * rtc, gboolean free);

GstLibp2pRtc *gst_libp2p_rtc_ref (GstLibp2pRtc * rtc);
void gst_libp2p_rtc_unref (GstLibp2pRtc * rtc);

GstLibp2pRtcState gst_libp2p_rtc_get_state (GstLibp2pRtc * rtc);
/* A channel we open: ordered; @negotiated_id >= 0 makes it pre-negotiated
 * with that id (channel 0), else the DCEP-opened kind.  NULL if webrtcbin
 * refused. */
GstLibp2pChannel *gst_libp2p_rtc_create_channel (GstLibp2pRtc * rtc,
    gint negotiated_id);

/* ---- WebRTC-direct ---- */

/* Applies what a WebRTC-direct connection needs from libnice: Binding
 * Requests as keepalives (keepalive-conncheck), and for a peer on this host
 * the loopback address of @loopback_family (4 or 6; 0 = none) and no UPnP
 * (libnice never gathers loopback). */
void gst_libp2p_rtc_configure_direct_ice (GstLibp2pRtc * rtc,
    gint loopback_family);
/* create-offer; @done gets the offer's SDP text, or NULL and why. */
typedef void (*GstLibp2pRtcOfferFunc) (gpointer data, const gchar * sdp,
    const gchar * error);
void gst_libp2p_rtc_create_offer (GstLibp2pRtc * rtc,
    GstLibp2pRtcOfferFunc done, gpointer data, GDestroyNotify free_data);
/* set-local-description(@offer) then set-remote-description(@answer);
 * @done gets error NULL, or why webrtcbin refused (@answer_step: the
 * answer, else the offer). */
typedef void (*GstLibp2pRtcDoneFunc) (gpointer data, gboolean answer_step,
    const gchar * error);
void gst_libp2p_rtc_set_descriptions (GstLibp2pRtc * rtc, const gchar * offer,
    const gchar * answer, GstLibp2pRtcDoneFunc done, gpointer data,
    GDestroyNotify free_data);
/* PEM of the DTLS certificates: ours and the remote's (NULL if unknown). */
void gst_libp2p_rtc_get_certificates (GstLibp2pRtc * rtc, gchar ** local,
    gchar ** remote);
gboolean gst_libp2p_rtc_ice_connected (GstLibp2pRtc * rtc);

/* ---- WebRTC-direct listener ---- */

/* A webrtcbin named @name whose ICE agent is @ice_agent (a GstWebRTCICE,
 * gstlibp2pice.h; takes the caller's reference) and whose DTLS
 * certificate is @certificate (PEM: certificate and private key). */
GstElement *gst_libp2p_rtc_make_webrtcbin (GstObject * ice_agent,
    const gchar * name, const gchar * certificate);
/* The server's side of a client: set-remote-description(@offer, the
 * inferred client offer), create-answer, the answer's ICE ufrag and
 * password both made @local, set-local-description.  @done gets error
 * NULL, or why webrtcbin refused (answer_step FALSE). */
void gst_libp2p_rtc_accept (GstLibp2pRtc * rtc, const gchar * offer,
    const gchar * local, GstLibp2pRtcDoneFunc done, gpointer data,
    GDestroyNotify free_data);

/* ---- data channels ---- */

/* Connects @funcs; @data is referenced with @ref per handler and released
 * with @unref when the handler is gone and no emission runs. */
void gst_libp2p_channel_attach (GstLibp2pChannel * channel,
    const GstLibp2pChannelFuncs * funcs, gpointer data,
    gpointer (*ref) (gpointer), GDestroyNotify unref);
gint gst_libp2p_channel_get_id (GstLibp2pChannel * channel);
gboolean gst_libp2p_channel_is_open (GstLibp2pChannel * channel);
gboolean gst_libp2p_channel_send (GstLibp2pChannel * channel, GBytes * data,
    GError ** error);
guint64 gst_libp2p_channel_get_buffered_amount (GstLibp2pChannel * channel);
void gst_libp2p_channel_set_buffered_low (GstLibp2pChannel * channel,
    guint64 threshold);
/* Disconnects, closes, frees @channel (see the lifetime rule above). */
void gst_libp2p_channel_release (GstLibp2pChannel * channel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstLibp2pRtc, gst_libp2p_rtc_unref)

G_END_DECLS

#endif
