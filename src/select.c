/*
 * src/select.c -- join and select over futures (pawl/sync.h).
 *
 * Both are plain functions over an array of pawl_future that the caller
 * keeps in its task's struct; they hold no state of their own between
 * polls beyond each future's `done` and `result`, and they never allocate.
 * The inner futures register the polling task's waker themselves, so a
 * wake of any of them polls the join or select again.  From the task's
 * view one poll of a join or select is one await (one unit of budget):
 * the inner polls are direct calls, not PAWL_AWAIT sites.
 *
 * A FUTURE IN A JOIN OR SELECT
 * ============================
 *
 *                    pawl_future_init
 *       (memory) ---------------------> FRESH  done 0, result PAWL_PENDING
 *                                        |  |
 *          poll: PAWL_PENDING (no change)|  | drop: released, i.e. it
 *          poll: ready with r            |  | returned PAWL_ECANCELED (or
 *          drop: completed anyway with r |  | PAWL_PENDING: a future that
 *                                        v  v ignores cancellation)
 *           DONE  done 1, result r        DROPPED  done 0, result PAWL_ECANCELED
 *
 *   "poll" is a poll with the task's own context; "drop" is one poll with
 *   a canceled context (pawl_cx_canceled), after which the future is never
 *   polled again by this join or select.
 *
 * So `done` means exactly "this future has an outcome in `result` that
 * the caller must account for" -- an item received, a permit or lock
 * taken, an error.  A dropped future that gave back what it held is not
 * done: nothing of it is left to handle, and its result reads
 * PAWL_ECANCELED.  A DONE future is never polled again (a join polled
 * once more skips it; a select counts it as ready at once, see below);
 * call pawl_future_init to use it again.  A DROPPED one is idle, like
 * every pawl future after a drop: a later join or select over it starts
 * it over.
 *
 * JOIN: every poll polls the futures not done, in order; ready with 0
 * once all are done, whatever their outcomes.  Canceled: drops the
 * unfinished ones and returns PAWL_ECANCELED (those that completed, before
 * or during the drop, are DONE with their outcome).
 *
 * SELECT: a poll polls the futures not done, in order, and stops at the
 * first that is ready (or at the first already DONE, without polling it):
 * that one wins.  The winner's index goes to *which and every other future
 * not done is dropped at once, in index order -- those before the winner
 * were polled this time and hold the task's waker; those after it were not
 * polled this time (or ever), and are dropped without being polled
 * normally, so a later one that could also have completed does not take
 * anything it would then have to give back.  One that completes anyway
 * during its drop (it was handed its item before the select looked) is
 * DONE with its outcome, so nothing is lost; several futures can thus be
 * DONE after a select, and *which names the one that won.  Canceled:
 * drops every future not done and returns PAWL_ECANCELED; *which is then
 * not written.
 *
 * OWNERSHIP: the array and every `arg` are the caller's, and must stay
 * where they are while the join or select awaits (the inner futures'
 * state, a sleep's armed timer for one, lives in them); once it is ready
 * or canceled nothing refers to them any more.  PAWL_EINVAL for NULL
 * fs / cx / which, n == 0, or a future not done without a poll
 * function: then nothing is polled and nothing changes.
 */
#include "pawl/sync.h"

#include "internal.h"

void pawl_future_init(pawl_future *f, pawl_future_fn *poll, void *arg)
{
    if (f == NULL)
        return;
    f->poll = poll;
    f->arg = arg;
    f->result = PAWL_PENDING;
    f->done = 0;
}

/* Every future that will be polled has a poll function.  Checked before
 * any is polled, so that bad input changes nothing. */
static bool futures_valid(const pawl_future *fs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!fs[i].done && fs[i].poll == NULL)
            return false;
    return true;
}

/* FRESH --poll--> FRESH or DONE.  True if it is DONE now. */
static bool future_poll(pawl_future *f, pawl_cx *cx)
{
    pawl_poll r = f->poll(f->arg, cx);
    if (r == PAWL_PENDING)
        return false;
    f->result = r;
    f->done = 1;
    return true;
}

/* FRESH --drop--> DROPPED, or DONE if it completed anyway.  `cx` is
 * canceled. */
static void future_drop(pawl_future *f, pawl_cx *cx)
{
    pawl_poll r = f->poll(f->arg, cx);
    if (r == PAWL_PENDING || r == PAWL_ECANCELED) {
        f->result = PAWL_ECANCELED;
    } else {
        f->result = r;
        f->done = 1;
    }
}

/* Drop every future not done (a select's winner is done by now), with
 * the context canceled for these polls only, as PAWL_TIMEOUT does for its
 * inner future.  The flags are restored exactly as they were. */
static void drop_unfinished(pawl_future *fs, size_t n, pawl_cx *cx)
{
    unsigned saved = cx->pawl__flags;
    cx->pawl__flags = saved | PAWL__CX_CANCEL;
    for (size_t i = 0; i < n; i++)
        if (!fs[i].done)
            future_drop(&fs[i], cx);
    cx->pawl__flags = saved;
}

pawl_poll pawl_join(pawl_future *fs, size_t n, pawl_cx *cx)
{
    if (fs == NULL || n == 0 || cx == NULL || !futures_valid(fs, n))
        return PAWL_EINVAL;
    if (pawl_cx_canceled(cx)) {
        drop_unfinished(fs, n, cx);
        return PAWL_ECANCELED;
    }
    bool all = true;
    for (size_t i = 0; i < n; i++)
        if (!fs[i].done && !future_poll(&fs[i], cx))
            all = false;
    return all ? PAWL_READY : PAWL_PENDING;
}

pawl_poll pawl_select(pawl_future *fs, size_t n, pawl_cx *cx, size_t *which)
{
    if (fs == NULL || n == 0 || cx == NULL || which == NULL || !futures_valid(fs, n))
        return PAWL_EINVAL;
    if (pawl_cx_canceled(cx)) {
        drop_unfinished(fs, n, cx);
        return PAWL_ECANCELED;
    }
    for (size_t i = 0; i < n; i++) {
        if (fs[i].done || future_poll(&fs[i], cx)) {
            drop_unfinished(fs, n, cx);
            *which = i;
            return PAWL_READY;
        }
    }
    return PAWL_PENDING;
}
