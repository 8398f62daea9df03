/* gst-libp2p: libp2plistener, a WebRTC-direct listener */
#ifndef __GST_LIBP2P_LISTENER_H__
#define __GST_LIBP2P_LISTENER_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_LIBP2P_LISTENER (gst_libp2p_listener_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pListener, gst_libp2p_listener, GST,
    LIBP2P_LISTENER, GstBin)

GST_ELEMENT_REGISTER_DECLARE (libp2plistener);

G_END_DECLS

#endif
