/**
 * A reason the service (or a command) cannot start that the operator can fix:
 * its message is one line saying what is wrong and what to change. The entry
 * point prints it as it is, without a stack.
 */
export class StartupRefusal extends Error {
  override readonly name = 'StartupRefusal';
}
