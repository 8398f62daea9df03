/* gst-libp2p: the ICE agent of one accepted WebRTC-direct client
 *
 * An ICE-lite, controlled ICE agent (GStreamer's WebRTC library) for
 * webrtcbin's ice agent property: it owns
 * no socket.  The listener reads the shared UDP socket, answers STUN itself
 * (libnice's STUN library, gstlibp2plistener.c) and hands this agent the
 * client's other datagrams (DTLS); what webrtcbin sends comes out through
 * @send, for the listener to write to the client's address.  ../shared/
 * spec/listener-notes.md has the facts of webrtcbin 1.22 this rests on:
 * every vfunc set, the transport's src (appsrc) and sink (appsink) made in
 * its constructor, CONNECTED announced through the ICE transport's state.
 *
 * This file and gstlibp2pwebrtc.c are the two that use GStreamer's WebRTC
 * library (scripts/check-rooms.sh): the rest sees a GstObject.
 */
#ifndef __GST_LIBP2P_ICE_H__
#define __GST_LIBP2P_ICE_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* One datagram webrtcbin sends (dtlssrtpenc's streaming thread); the
 * callee does not take @buffer. */
typedef void (*GstLibp2pIceSendFunc) (gpointer data, GstBuffer * buffer);

/* A new agent; @destroy frees @data once no send can run
 * any more (the agent's finalize). */
GstObject *gst_libp2p_ice_new (GstLibp2pIceSendFunc send, gpointer data,
    GDestroyNotify destroy);
/* A datagram from the client that is not STUN (takes @buffer).  Until the
 * transport is CONNECTED (webrtcbin's receive path running), up to 64 wait;
 * more are dropped. */
void gst_libp2p_ice_receive (GstObject * ice, GstBuffer * buffer);
/* A valid Binding Request arrived: the transport goes CONNECTED (once). */
void gst_libp2p_ice_set_connected (GstObject * ice);
/* The client is gone (consent lost): the transport goes FAILED. */
void gst_libp2p_ice_set_failed (GstObject * ice);
/* No send will be made from now on (the client is being dropped). */
void gst_libp2p_ice_detach (GstObject * ice);

G_END_DECLS

#endif
