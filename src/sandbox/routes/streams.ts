/**
 * Stream routes of the sandbox (and the legacy trigger routes, which are streams under another body key):
 * list, create (or replace), get, delete, fetch, results, advance, reset, and exception tags.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { NewStream, Stream } from "../models.ts"
import type { RouteDefinitions } from "./route.ts"

/**
 * The page size of `results` when the request gives no `max_results` (the CLI's stream fetch size).
 *
 * @category configuration
 * @since 0.1.0
 */
export const DEFAULT_STREAM_RESULTS = 16

/**
 * Route implementations of the streams and triggers tags.
 *
 * @category constructors
 * @since 0.1.0
 */
export const streamRoutes = {
  listStreams: ({ dataset, project }, _, store) => Effect.map(store.listStreams(project, dataset), (streams) => ({ streams })),
  createStream: ({ dataset, project }, body, store) =>
    Effect.map(store.createStream(project, dataset, body.stream), (stream) => ({ stream })),
  getStream: ({ dataset, project, stream }, _, store) =>
    Effect.map(store.getStream(project, dataset, stream), (found) => ({ stream: found })),
  deleteStream: ({ dataset, project, stream }, _, store) => Effect.as(store.deleteStream(project, dataset, stream), {}),
  fetchStream: ({ dataset, project, stream }, body, store) =>
    store.fetchStream(project, dataset, stream, { size: body.size, maxFiltered: body.max_filtered }),
  getStreamResults: (parameters, _, store) =>
    Effect.map(
      store.getStreamResults(parameters.project, parameters.dataset, parameters.stream, {
        maxResults: parameters.max_results ?? DEFAULT_STREAM_RESULTS,
        maxFiltered: parameters.max_filtered
      }),
      (page) => ({
        ...page,
        results: page.results.map(({ comment, continuation, entities, labels }) => ({
          comment,
          continuation,
          ...(labels === null ? {} : { prediction: { labels, entities: entities ?? [] } })
        }))
      })
    ),
  advanceStream: ({ dataset, project, stream }, body, store) =>
    Effect.as(store.advanceStream(project, dataset, stream, body.sequence_id), {}),
  resetStream: ({ dataset, project, stream }, body, store) =>
    store.resetStream(project, dataset, stream, body.to_comment_created_at),
  tagStreamExceptions: ({ dataset, project, stream }, body, store) =>
    Effect.as(store.tagStreamExceptions(project, dataset, stream, body.exceptions), {}),
  untagStreamExceptions: ({ dataset, project, stream, uid }, _, store) =>
    Effect.as(store.untagStreamExceptions(project, dataset, stream, uid), {}),
  createTrigger: ({ dataset, project }, body, store) =>
    Effect.map(store.createStream(project, dataset, body.trigger), (trigger) => ({ trigger })),
  updateTrigger: ({ dataset, project, trigger }, body, store) =>
    Effect.gen(function*() {
      const updated = yield* store.updateStream(project, dataset, trigger, body.trigger)
      return { trigger: updated }
    })
} satisfies RouteDefinitions

