/**
 * Every route the sandbox implements, by operation id. Operations of the spec missing here answer 501
 * (see `NOT_IMPLEMENTED_STATUS` in handler.ts).
 *
 * @since 0.1.0
 */
import type { RouteTable } from "./handler.ts"
import { attachmentRoutes } from "./routes/attachments.ts"
import { auditEventRoutes } from "./routes/audit-events.ts"
import { bucketRoutes } from "./routes/buckets.ts"
import { commentRoutes } from "./routes/comments.ts"
import { datasetRoutes } from "./routes/datasets.ts"
import { documentRoutes } from "./routes/documents.ts"
import { integrationRoutes } from "./routes/integrations.ts"
import { labellingRoutes } from "./routes/labellings.ts"
import { modelRoutes } from "./routes/models.ts"
import { projectRoutes } from "./routes/projects.ts"
import { quotaRoutes } from "./routes/quotas.ts"
import { toRouteTable } from "./routes/route.ts"
import { sourceRoutes } from "./routes/sources.ts"
import { streamRoutes } from "./routes/streams.ts"
import { userRoutes } from "./routes/users.ts"

/**
 * The sandbox's route implementations.
 *
 * @category constructors
 * @since 0.1.0
 */
export const routes: RouteTable = toRouteTable({
  ...projectRoutes,
  ...sourceRoutes,
  ...commentRoutes,
  ...attachmentRoutes,
  ...documentRoutes,
  ...datasetRoutes,
  ...labellingRoutes,
  ...modelRoutes,
  ...streamRoutes,
  ...bucketRoutes,
  ...userRoutes,
  ...quotaRoutes,
  ...integrationRoutes,
  ...auditEventRoutes
})
