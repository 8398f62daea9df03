/* listen-echo's echo, shared with tests/element/test_listener.c: an
 * inbound /echo/1.0.0 substream of a client of a libp2plistener gets back
 * what it sends.
 *
 * The src pad of the substream is linked to a floating pad (no element)
 * that hands every buffer and event to the sink pad of the same substream.
 * Two pads of one element cannot simply be linked: GStreamer refuses it as
 * a loop (gst_pad_link: "wrong hierarchy"; forced, GstBin's state change
 * deadlocks on it, update_degree() locking the element twice), and a queue
 * next to the element makes a loop in the bin's graph ("loop detected"
 * warnings at every state change).  When the substream ends the element
 * removes both its pads itself. */
#ifndef __ECHO_PADS_H__
#define __ECHO_PADS_H__

#include <gst/gst.h>

static GstFlowReturn
echo_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  return gst_pad_chain (g_object_get_data (G_OBJECT (pad), "echo-to"), buf);
}

static gboolean
echo_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  return gst_pad_send_event (g_object_get_data (G_OBJECT (pad), "echo-to"),
      event);
}

/* pad-added of a client's libp2pwebrtcbin; TRUE when @pad is echoed */
static gboolean
echo_pad_added (GstElement * conn, GstPad * pad)
{
  g_autofree gchar *sink_name = NULL;
  GstPad *sink, *relay;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC ||
      !g_str_has_prefix (GST_PAD_NAME (pad), "src_echo-1-0-0_"))
    return FALSE;
  sink_name = g_strdup_printf ("sink_%s", GST_PAD_NAME (pad) + 4);
  sink = gst_element_request_pad_simple (conn, sink_name);
  if (sink == NULL)
    return FALSE;
  relay = gst_pad_new ("echo", GST_PAD_SINK);
  g_object_set_data_full (G_OBJECT (relay), "echo-to", sink,
      gst_object_unref);
  gst_pad_set_chain_function (relay, echo_chain);
  gst_pad_set_event_function (relay, echo_event);
  gst_pad_set_active (relay, TRUE);
  /* the src pad keeps the relay as long as it lives */
  g_object_set_data_full (G_OBJECT (pad), "echo-relay", relay,
      gst_object_unref);
  return gst_pad_link (pad, relay) == GST_PAD_LINK_OK;
}

#endif
