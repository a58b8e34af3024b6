// EventBridge Scheduler calls the suite makes in more than one place (deploy, wake/sleep, destroy),
// with not-found and already-exists read as AWS answers them: ResourceNotFoundException and
// ConflictException.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type GetScheduleOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';

/** The schedule, or undefined when there is none of that name in the group. */
export async function getSchedule(
  client: SchedulerClient,
  group: string,
  name: string,
): Promise<GetScheduleOutput | undefined> {
  try {
    return await client.send(new GetScheduleCommand({ GroupName: group, Name: name }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

/** Delete the schedule; false when it was gone already (a rerun, or AWS's DELETE after an at()). */
export async function deleteSchedule(client: SchedulerClient, group: string, name: string): Promise<boolean> {
  try {
    await client.send(new DeleteScheduleCommand({ GroupName: group, Name: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

/**
 * Make the schedule what `request` says: update it when it is known to exist, else create it — and
 * update it after all when the create finds it there (an interrupted run, or another one, made it).
 */
export async function putSchedule(
  client: SchedulerClient,
  request: CreateScheduleCommandInput,
  exists: boolean,
): Promise<void> {
  if (!exists)
    try {
      await client.send(new CreateScheduleCommand(request));
      return;
    } catch (err) {
      if (!(err instanceof ConflictException)) throw err;
    }
  await client.send(new UpdateScheduleCommand(request));
}
