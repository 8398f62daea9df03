/* gst-libp2p: libp2pwebrtcbin, libp2p substreams over webrtcbin data channels */
#ifndef __GST_LIBP2P_WEBRTC_BIN_H__
#define __GST_LIBP2P_WEBRTC_BIN_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_LIBP2P_WEBRTC_BIN (gst_libp2p_webrtc_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pWebrtcBin, gst_libp2p_webrtc_bin, GST,
    LIBP2P_WEBRTC_BIN, GstBin)

GST_ELEMENT_REGISTER_DECLARE (libp2pwebrtcbin);

/* The GError domain of substream failures (signals and bus messages). */
#define GST_LIBP2P_ERROR (gst_libp2p_error_quark ())
GQuark gst_libp2p_error_quark (void);

typedef enum
{
  GST_LIBP2P_ERROR_NOT_CONNECTED,       /* the connection is not (or no longer) up */
  GST_LIBP2P_ERROR_INVALID_ARGUMENT,    /* a bad protocol id or list */
  GST_LIBP2P_ERROR_REFUSED,     /* the remote refused every proposal (na) */
  GST_LIBP2P_ERROR_PROTOCOL_VIOLATION,  /* the remote broke the protocol */
  GST_LIBP2P_ERROR_TIMEOUT,     /* negotiation or FIN_ACK took too long */
  GST_LIBP2P_ERROR_CLOSED,      /* the data channel closed under us */
  GST_LIBP2P_ERROR_RESET,       /* the remote sent RESET_STREAM */
  GST_LIBP2P_ERROR_OVERFLOW,    /* the receive queue overflowed */
  GST_LIBP2P_ERROR_STOPPED,     /* the element was stopped */
  GST_LIBP2P_ERROR_TOO_MANY,    /* no SCTP stream left for a new substream */
} GstLibp2pError;

/* The keepalive property: our own pings on /ipfs/ping/1.0.0. */
typedef enum
{
  GST_LIBP2P_KEEPALIVE_AUTO,    /* on for WebRTC-direct, off when signalled */
  GST_LIBP2P_KEEPALIVE_ON,
  GST_LIBP2P_KEEPALIVE_OFF,
} GstLibp2pKeepalive;

#define GST_TYPE_LIBP2P_KEEPALIVE (gst_libp2p_keepalive_get_type ())
GType gst_libp2p_keepalive_get_type (void);

G_END_DECLS

#endif
