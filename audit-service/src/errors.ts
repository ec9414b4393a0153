// The audit service's own error codes.
import { defineError } from '@pym/framework';

/** 404: no event has the requested id. */
export const EventNotFound = defineError('EventNotFound', 'EVENT_NOT_FOUND', 404, 'No event has this id');
