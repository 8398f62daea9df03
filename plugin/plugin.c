/* gst-libp2p: plugin registration only. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstlibp2pwebrtcbin.h"
#include "gstlibp2plistener.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (libp2pwebrtcbin, plugin) &&
      GST_ELEMENT_REGISTER (libp2plistener, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, libp2p,
    "libp2p substreams over WebRTC data channels (multistream-select 1.0)",
    plugin_init, VERSION, "LGPL", "gst-libp2p", "https://libp2p.io/")
