/**
 * Payloads the tests share: a source as Re:infer sends it, and a comment as a caller sends it.
 *
 * @since 0.1.0
 */

/**
 * A source in the shape `getSource` answers with: every required field, nothing optional.
 *
 * @category constants
 * @since 0.1.0
 */
export const SOURCE = {
  id: "18ba5ce699f8da1f",
  owner: "acme",
  name: "emails",
  title: "Emails",
  description: "",
  should_translate: false,
  sensitive_properties: [],
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z"
}

/**
 * A comment to sync with one message: the least `syncComments` accepts.
 *
 * @category constructors
 * @since 0.1.0
 */
export const newComment = (id: string, text = `Comment ${id}`) => ({
  id,
  timestamp: "2024-05-01T09:00:00Z",
  messages: [{ body: { text } }]
})
