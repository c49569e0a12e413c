import mongoose from "mongoose";

/** Hides credentials of connection strings in messages that might quote one. */
export function redactUri(message: string): string {
  return message.replace(/(mongodb(?:\+srv)?:\/\/)[^@/\s]*@/g, "$1***@");
}

/** Connects the commands to MongoDB; fails in seconds, not the driver's 30, when nothing answers. */
export function openConnection(uri: string, dbName: string | undefined): Promise<mongoose.Connection> {
  return mongoose
    .createConnection(uri, {
      // A URI's own setting wins.
      ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 }),
      ...(dbName !== undefined ? { dbName } : {}),
    })
    .asPromise();
}
