export {
  freePort,
  redisServerBinary,
  startRedisServer,
  uniquePrefix,
  type RedisServerHandle,
} from './redis-server';
