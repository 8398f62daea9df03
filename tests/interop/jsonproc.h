/* Interop helper: a Node child process driven by JSON lines.  We write one
 * JSON object per line on its stdin; a reader thread parses each line it
 * prints and either hands it to a hook (signalling the test acts on at
 * once) or keeps it as an event for json_proc_wait().  Events are kept
 * under the harness's lock and signalled on its cond, so a test can wait on
 * events and element outcomes alike; every wait is bounded. */
#ifndef __TEST_JSONPROC_H__
#define __TEST_JSONPROC_H__

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* Returns TRUE when it consumed the line's object. */
typedef gboolean (*JsonProcHook) (JsonObject * o, gpointer user_data);

typedef struct
{
  GSubprocess *proc;
  GOutputStream *in;
  GDataInputStream *out;
  GThread *reader;
  GMutex write_lock;
  GMutex *lock;                 /* the harness's */
  GCond *cond;
  GPtrArray *evs;               /* JsonObject*, under *lock */
  JsonProcHook hook;
  gpointer hook_data;
} JsonProc;

static gpointer
json_proc_reader (JsonProc * jp)
{
  for (;;) {
    g_autofree gchar *line = g_data_input_stream_read_line_utf8 (jp->out,
        NULL, NULL, NULL);
    g_autoptr (JsonParser) p = json_parser_new ();
    JsonObject *o;

    if (line == NULL)
      break;
    if (!json_parser_load_from_data (p, line, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)))
      continue;
    o = json_node_get_object (json_parser_get_root (p));
    if (jp->hook && jp->hook (o, jp->hook_data))
      continue;
    g_mutex_lock (jp->lock);
    g_ptr_array_add (jp->evs, json_object_ref (o));
    g_cond_broadcast (jp->cond);
    g_mutex_unlock (jp->lock);
  }
  return NULL;
}

/* Starts `node @script` (with @env_name=@env_value when given). */
static JsonProc *
json_proc_new (const gchar * script, const gchar * env_name,
    const gchar * env_value, GMutex * lock, GCond * cond, JsonProcHook hook,
    gpointer hook_data)
{
  JsonProc *jp = g_new0 (JsonProc, 1);
  g_autoptr (GSubprocessLauncher) l =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
      G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GError) err = NULL;

  g_mutex_init (&jp->write_lock);
  jp->lock = lock;
  jp->cond = cond;
  jp->hook = hook;
  jp->hook_data = hook_data;
  jp->evs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      json_object_unref);
  if (env_name)
    g_subprocess_launcher_setenv (l, env_name, env_value, TRUE);
  jp->proc = g_subprocess_launcher_spawn (l, &err, "node", script, NULL);
  g_assert_no_error (err);
  jp->in = g_subprocess_get_stdin_pipe (jp->proc);
  jp->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe
      (jp->proc));
  jp->reader = g_thread_new ("json-proc", (GThreadFunc) json_proc_reader, jp);
  return jp;
}

static void
json_proc_send (JsonProc * jp, const gchar * json)
{
  g_mutex_lock (&jp->write_lock);
  g_output_stream_write_all (jp->in, json, strlen (json), NULL, NULL, NULL);
  g_output_stream_write_all (jp->in, "\n", 1, NULL, NULL, NULL);
  g_output_stream_flush (jp->in, NULL, NULL);
  g_mutex_unlock (&jp->write_lock);
}

/* Closes its stdin (the peers exit then). */
static void
json_proc_close_input (JsonProc * jp)
{
  g_mutex_lock (&jp->write_lock);
  g_output_stream_close (jp->in, NULL, NULL);
  g_mutex_unlock (&jp->write_lock);
}

/* Takes the first event @ev (with @tag, if given), waiting up to @secs. */
static JsonObject *
json_proc_wait (JsonProc * jp, const gchar * ev, const gchar * tag,
    gint secs)
{
  gint64 end = g_get_monotonic_time () + secs * G_TIME_SPAN_SECOND;
  JsonObject *found = NULL;

  g_mutex_lock (jp->lock);
  while (!found) {
    guint i;

    for (i = 0; i < jp->evs->len && !found; i++) {
      JsonObject *o = g_ptr_array_index (jp->evs, i);

      if (g_str_equal (json_object_get_string_member_with_default (o, "ev",
                  ""), ev) && (tag == NULL || g_strcmp0 (tag,
                  json_object_get_string_member_with_default (o, "tag",
                      "")) == 0))
        found = g_ptr_array_steal_index (jp->evs, i);
    }
    if (!found && !g_cond_wait_until (jp->cond, jp->lock, end))
      break;
  }
  g_mutex_unlock (jp->lock);
  return found;
}

/* Closes its input, waits for it to exit and frees everything. */
static void
json_proc_free (JsonProc * jp)
{
  json_proc_close_input (jp);
  g_subprocess_wait (jp->proc, NULL, NULL);
  g_thread_join (jp->reader);
  g_object_unref (jp->out);
  g_object_unref (jp->proc);
  g_ptr_array_unref (jp->evs);
  g_mutex_clear (&jp->write_lock);
  g_free (jp);
}

#endif
