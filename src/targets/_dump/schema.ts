// The config keys every docker-exec-or-local client target shares (postgres, mysql, redis): which container, which
// docker CLI, which user inside it, and the rule that exec_user needs a container.
import * as z from 'zod';

/** Docker's own rule for container names (ids match it too); nothing a shell or an option parser could misread. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A value passed as an option's argument must not itself read as an option. */
export const notAnOption = z
  .string()
  .min(1)
  .regex(/^[^-\s]/, 'must not start with "-" or a space');

export const clientShape = {
  /** `docker exec <container> <program>`; without it the local client connects to host/port. */
  container: z
    .string()
    .max(255)
    .regex(CONTAINER_NAME, 'must be a container name or id matching [a-zA-Z0-9][a-zA-Z0-9_.-]*')
    .optional(),
  /** The docker CLI (`podman` works too): one program name or path, no arguments. */
  docker_command: z
    .string()
    .regex(/^[^\s-][^\s]*$/, 'must be one program name or path, without arguments')
    .default('docker'),
  /** `docker exec -u <exec_user>`: the OS user in the container. */
  exec_user: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'must be user, uid, user:group or uid:gid')
    .optional(),
};

/** exec_user without container is a config error at exec_user. */
export function execUserNeedsContainer<T extends { exec_user?: string | undefined; container?: string | undefined }>(
  schema: z.ZodType<T>,
) {
  return schema.refine((t) => t.exec_user === undefined || t.container !== undefined, {
    message: 'exec_user applies to docker exec only: set container too',
    path: ['exec_user'],
  });
}
