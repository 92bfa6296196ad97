import { describe, expect, it } from 'vitest';
import { compileEventPattern, matchesEventPattern } from '../../../functions/core/eventPattern/match.ts';
import {
  DEFAULT_MAX_PATTERN_LENGTH,
  type EventPattern,
  validateEventPattern,
} from '../../../functions/core/eventPattern/parse.ts';
import { EventPatternError } from '../../../functions/core/eventPattern/patternError.ts';

/** The EC2 event of the AWS guide's "Creating Amazon EventBridge event patterns" page. */
const guideEc2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The sample event of the event-ruler README ("Ruler by Example"), used by the guide's examples. */
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** The Auto Scaling event of the guide's "Matching on null values and empty strings" page. */
const guideNullEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

const nestedEmployees = {
  employees: [
    [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
    [{ firstName: 'Peter', lastName: 'Jones' }],
  ],
};

const rulerComplex: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
    'source-ip': [{ cidr: '10.0.0.0/8' }],
  },
};

const cloudwatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const cloudwatchOrWithAnd: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
    { scope: ['Service'] },
  ],
};

const cloudwatchNestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    {
      metricType: ['MetricType'],
      namespace: ['AWS/EC2', 'AWS/ES'],
      $or: [{ metricId: [1234] }, { spaceId: [1000] }],
    },
    { scope: ['Service'] },
  ],
};

const parallelOr: EventPattern = {
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  detail: {
    $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }],
  },
};

interface MatchCase {
  name: string;
  pattern: EventPattern;
  event: unknown;
  expected: boolean;
}

const matchCases: MatchCase[] = [
  // Exact values, structure and types
  {
    name: 'guide "event patterns": EC2 instance-termination pattern matches the EC2 event',
    pattern: {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    event: guideEc2Event,
    expected: true,
  },
  {
    name: 'guide "event patterns": the termination pattern does not match a running instance',
    pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
    event: { ...guideEc2Event, detail: { state: 'running' } },
    expected: false,
  },
  {
    name: 'guide "matching event values": source aws.ec2 or aws.fargate matches aws.fargate',
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: { ...guideEc2Event, source: 'aws.fargate' },
    expected: true,
  },
  {
    name: 'a field named in the pattern but missing from the event never matches',
    pattern: { detail: { 'instance-type': ['t2.micro'] } },
    event: guideEc2Event,
    expected: false,
  },
  {
    name: 'the string "5" does not match the number 5',
    pattern: { detail: { count: ['5'] } },
    event: { detail: { count: 5 } },
    expected: false,
  },
  {
    name: 'the number 5 does not match the string "5"',
    pattern: { detail: { count: [5] } },
    event: { detail: { count: '5' } },
    expected: false,
  },
  {
    name: 'numbers compare numerically: 3.018e2 matches 301.8',
    pattern: { detail: { 'x-limit': [3.018e2] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'numbers compare numerically: 300 matches 3e2 parsed from JSON',
    pattern: { n: [300] },
    event: JSON.parse('{"n": 3e2}'),
    expected: true,
  },
  {
    name: 'guide "null values": responseElements [null] matches null',
    pattern: { detail: { responseElements: [null] } },
    event: guideNullEvent,
    expected: true,
  },
  {
    name: 'guide "null values": eventVersion [""] matches the empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: guideNullEvent,
    expected: true,
  },
  {
    name: 'guide "null values": an empty-string pattern does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: guideNullEvent,
    expected: false,
  },
  {
    name: 'guide "null values": a null pattern does not match the empty string',
    pattern: { detail: { eventVersion: [null] } },
    event: guideNullEvent,
    expected: false,
  },
  {
    name: 'guide "field values": source and detail-type with responseElements [null]',
    pattern: {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    event: guideNullEvent,
    expected: true,
  },
  { name: 'true matches true', pattern: { flag: [true] }, event: { flag: true }, expected: true },
  {
    name: 'true does not match the string "true"',
    pattern: { flag: [true] },
    event: { flag: 'true' },
    expected: false,
  },
  { name: 'false does not match null', pattern: { flag: [false] }, event: { flag: null }, expected: false },
  {
    name: 'a nested pattern object does not match a leaf value at that path',
    pattern: { detail: { state: ['x'] } },
    event: { detail: 'x' },
    expected: false,
  },
  {
    name: 'a leaf pattern does not match an object at that path',
    pattern: { detail: ['x'] },
    event: { detail: { state: 'x' } },
    expected: false,
  },
  {
    name: 'an event that is not an object matches nothing',
    pattern: { a: ['x'] },
    event: ['x'],
    expected: false,
  },
  { name: 'a null event matches nothing', pattern: { a: [{ exists: false }] }, event: null, expected: false },

  // Arrays
  {
    name: 'guide "arrays": pattern resources intersect the event resources',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    expected: true,
  },
  {
    name: 'guide "arrays": no intersection, no match',
    pattern: { resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'] },
    event: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    expected: false,
  },
  {
    name: 'an event array of numbers matches one value',
    pattern: { n: [2] },
    event: { n: [1, 2, 3] },
    expected: true,
  },
  {
    name: 'nested event arrays of scalars are flattened',
    pattern: { n: [3] },
    event: { n: [[1], [2, [3]]] },
    expected: true,
  },
  { name: 'an empty event array matches no value', pattern: { n: ['x'] }, event: { n: [] }, expected: false },
  {
    name: 'event-ruler README "JSON array matching": employees.firstName Anna',
    pattern: { employees: { firstName: ['Anna'] } },
    event: employees,
    expected: true,
  },
  {
    name: 'event-ruler README: Anna and Jones are in different array elements, no match',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: employees,
    expected: false,
  },
  {
    name: 'array consistency: Anna and Smith in the same element match',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    event: employees,
    expected: true,
  },
  {
    name: 'event-ruler README multi-level arrays: Anna/Jones still refused',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: nestedEmployees,
    expected: false,
  },
  {
    name: 'event-ruler README multi-level arrays: Peter/Jones match',
    pattern: { employees: { firstName: ['Peter'], lastName: ['Jones'] } },
    event: nestedEmployees,
    expected: true,
  },

  // prefix / suffix / equals-ignore-case
  {
    name: 'guide "prefix matching": time starts with 2017-10-02',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: { time: '2017-10-02T18:43:48Z' },
    expected: true,
  },
  {
    name: 'guide "prefix matching": a different day does not match',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: guideEc2Event,
    expected: false,
  },
  {
    name: 'prefix never matches a number',
    pattern: { n: [{ prefix: '1' }] },
    event: { n: 123 },
    expected: false,
  },
  {
    name: 'guide "prefix matching example": Auto Scaling events from eu- regions',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: { source: 'aws.autoscaling', region: 'eu-west-1' },
    expected: true,
  },
  {
    name: 'guide "prefix matching example": us-east-1 is not a eu- region',
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: guideNullEvent,
    expected: false,
  },
  {
    name: 'guide "prefix ignoring case": EventB matches eventbridge',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'eventbridge' } },
    expected: true,
  },
  {
    name: 'guide "prefix ignoring case": EventB matches EVENTBRIDGE',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'EVENTBRIDGE' } },
    expected: true,
  },
  {
    name: 'prefix ignoring case: Event is shorter than the prefix',
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'Event' } },
    expected: false,
  },
  {
    name: 'guide "suffix matching": FileName ends with .png',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'image.png' },
    expected: true,
  },
  {
    name: 'guide "suffix matching": suffix is case-sensitive',
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'image.PNG' },
    expected: false,
  },
  {
    name: 'guide "suffix ignoring case": .png matches IMAGE.PNG',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: { detail: { FileName: 'IMAGE.PNG' } },
    expected: true,
  },
  {
    name: 'guide "suffix ignoring case": .png does not match image.jpg',
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: { detail: { FileName: 'image.jpg' } },
    expected: false,
  },
  {
    name: 'guide operators table "equals (ignore case)": alice matches Alice',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: { Name: 'Alice' },
    expected: true,
  },
  {
    name: 'equals-ignore-case is a whole-string match',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: { Name: 'Alicia' },
    expected: false,
  },
  {
    name: 'equals-ignore-case uses full case mapping: straße matches STRASSE',
    pattern: { street: [{ 'equals-ignore-case': 'straße' }] },
    event: { street: 'STRASSE' },
    expected: true,
  },

  // wildcard
  {
    name: 'AWS blog "wildcard filters": *.png matches a .png key',
    pattern: { key: [{ wildcard: '*.png' }] },
    event: { key: 'dir/photo.png' },
    expected: true,
  },
  {
    name: 'AWS blog "wildcard filters": *Title* matches Title in the middle',
    pattern: { title: [{ wildcard: '*Title*' }] },
    event: { title: 'My Title here' },
    expected: true,
  },
  {
    name: 'guide operators table "wildcard": a .png file within folder dir',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    event: { FileName: 'dir/a/b.png' },
    expected: true,
  },
  {
    name: 'wildcard dir/*.png does not match another folder',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    event: { FileName: 'dir2/a.png' },
    expected: false,
  },
  {
    name: 'wildcard segments must appear in order',
    pattern: { s: [{ wildcard: 'a*b*c' }] },
    event: { s: 'acb' },
    expected: false,
  },
  {
    name: 'wildcard prefix and suffix may not overlap',
    pattern: { s: [{ wildcard: 'ab*ba' }] },
    event: { s: 'aba' },
    expected: false,
  },
  {
    name: 'wildcard without a star is a whole-string match',
    pattern: { s: [{ wildcard: 'abc' }] },
    event: { s: 'xabcx' },
    expected: false,
  },
  {
    name: 'wildcard * matches the empty string',
    pattern: { s: [{ wildcard: '*' }] },
    event: { s: '' },
    expected: true,
  },
  {
    name: 'wildcard never matches a number',
    pattern: { s: [{ wildcard: '*' }] },
    event: { s: 5 },
    expected: false,
  },
  {
    name: 'wildcard \\* is a literal star',
    pattern: { s: [{ wildcard: 'a\\*b' }] },
    event: { s: 'a*b' },
    expected: true,
  },
  {
    name: 'wildcard \\* does not match other characters',
    pattern: { s: [{ wildcard: 'a\\*b' }] },
    event: { s: 'axb' },
    expected: false,
  },
  {
    name: 'wildcard \\\\ is a literal backslash',
    pattern: { s: [{ wildcard: 'C:\\\\*' }] },
    event: { s: 'C:\\Windows' },
    expected: true,
  },
  {
    name: 'wildcard with many stars stays fast on a long string',
    pattern: { s: [{ wildcard: '*a*a*a*a*a*a*a*b' }] },
    event: { s: 'a'.repeat(50_000) },
    expected: false,
  },

  // anything-but
  {
    name: 'guide "anything-but": state anything-but initializing matches running',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'guide "anything-but": state initializing is excluded',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: { detail: { state: 'initializing' } },
    expected: false,
  },
  {
    name: 'guide "anything-but": x-limit anything-but 123 matches 301.8',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'guide "anything-but": x-limit 123 is excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: { detail: { 'x-limit': 123 } },
    expected: false,
  },
  {
    name: 'anything-but 123 does not exclude the string "123"',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: { detail: { 'x-limit': '123' } },
    expected: true,
  },
  {
    name: 'guide "anything-but list of strings": stopped is excluded',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: { detail: { state: 'stopped' } },
    expected: false,
  },
  {
    name: 'guide "anything-but list of strings": running matches',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'guide "anything-but list of numbers": 200 is excluded',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: { detail: { 'x-limit': 200 } },
    expected: false,
  },
  {
    name: 'guide "anything-but list of numbers": 301.8 matches',
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'anything-but never matches a missing field',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: guideNullEvent,
    expected: false,
  },
  {
    name: 'anything-but matches an event array holding one other value',
    pattern: { state: [{ 'anything-but': 'stopped' }] },
    event: { state: ['stopped', 'running'] },
    expected: true,
  },
  {
    name: 'anything-but does not match an array of only excluded values',
    pattern: { state: [{ 'anything-but': 'stopped' }] },
    event: { state: ['stopped'] },
    expected: false,
  },
  {
    name: 'anything-but a string matches a number',
    pattern: { state: [{ 'anything-but': 'stopped' }] },
    event: { state: 5 },
    expected: true,
  },
  {
    name: 'guide "anything-but prefix": init is excluded from initializing',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: { detail: { state: 'initializing' } },
    expected: false,
  },
  {
    name: 'guide "anything-but prefix": running matches',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'event-ruler README "anything-but prefix list": error-42 is excluded',
    pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
    event: { detail: { state: 'error-42' } },
    expected: false,
  },
  {
    name: 'guide operators table "anything-but (ends with)": .png is excluded',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'a.png' },
    expected: false,
  },
  {
    name: 'guide operators table "anything-but (ends with)": .txt matches',
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'a.txt' },
    expected: true,
  },
  {
    name: 'event-ruler README "anything-but suffix list": i-...6789 is excluded',
    pattern: { detail: { 'instance-id': [{ 'anything-but': { suffix: ['1234', '6789'] } }] } },
    event: { detail: { 'instance-id': 'i-000006789' } },
    expected: false,
  },
  {
    name: 'guide operators table "anything-but (ignore case)": INITIALIZING is excluded',
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'INITIALIZING' },
    expected: false,
  },
  {
    name: 'event-ruler README "anything-but-ignore-case list": overloaded is excluded',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    event: { detail: { state: 'overloaded' } },
    expected: false,
  },
  {
    name: 'event-ruler README "anything-but-ignore-case list": running matches',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'guide operators table "anything-but wildcard": a path with /lib/ is excluded',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/lib/libc.so' },
    expected: false,
  },
  {
    name: 'guide operators table "anything-but wildcard": a path without /lib/ matches',
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/bin/env' },
    expected: true,
  },
  {
    name: 'event-ruler README "anything-but wildcard list": a .class under /bin/ is excluded',
    pattern: { detail: { state: [{ 'anything-but': { wildcard: ['*/bin/*.jar', '*/bin/*.class'] } }] } },
    event: { detail: { state: '/opt/bin/App.class' } },
    expected: false,
  },
  {
    name: 'anything-but prefix matches a number (only strings can be excluded)',
    pattern: { state: [{ 'anything-but': { prefix: 'init' } }] },
    event: { state: 7 },
    expected: true,
  },

  // numeric
  {
    name: 'guide "numeric matching": c-count, d-count and x-limit all match',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'guide "numeric matching": c-count 0 is not > 0',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: { detail: { 'c-count': 0 } },
    expected: false,
  },
  {
    name: 'guide "numeric matching": c-count 5.0001 is not <= 5',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } },
    event: { detail: { 'c-count': 5.0001 } },
    expected: false,
  },
  {
    name: 'guide "numeric matching": d-count 10 is not < 10',
    pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } },
    event: { detail: { 'd-count': 10 } },
    expected: false,
  },
  {
    name: 'numeric never matches a numeric string',
    pattern: { detail: { 'x-limit': [{ numeric: ['=', 301.8] }] } },
    event: { detail: { 'x-limit': '301.8' } },
    expected: false,
  },
  {
    name: 'guide operators table "numeric (range)": price 20 is > 10 and <= 20',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: { Price: 20 },
    expected: true,
  },
  {
    name: 'guide operators table "numeric (range)": price 10 is not > 10',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: { Price: 10 },
    expected: false,
  },
  {
    name: 'numeric >= includes the bound',
    pattern: { n: [{ numeric: ['>=', 10] }] },
    event: { n: 10 },
    expected: true,
  },
  {
    name: 'numeric <= -1 matches -1',
    pattern: { n: [{ numeric: ['<=', -1] }] },
    event: { n: -1 },
    expected: true,
  },
  {
    name: 'numeric [>=0, <1] excludes 1',
    pattern: { n: [{ numeric: ['>=', 0, '<', 1] }] },
    event: { n: 1 },
    expected: false,
  },
  {
    name: 'numeric matches any element of an event array',
    pattern: { n: [{ numeric: ['>', 10] }] },
    event: { n: [1, 20] },
    expected: true,
  },
  {
    name: 'guide operators table "numeric (equals)": price 100 matches 100.0',
    pattern: { Price: [{ numeric: ['=', 100] }] },
    event: JSON.parse('{"Price": 100.0}'),
    expected: true,
  },

  // IP addresses
  {
    name: 'guide "IP address matching": 10.0.0.255 is in 10.0.0.0/24',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { 'source-ip': '10.0.0.255' } },
    expected: true,
  },
  {
    name: 'guide "IP address matching": 10.0.1.0 is outside 10.0.0.0/24',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { 'source-ip': '10.0.1.0' } },
    expected: false,
  },
  {
    name: 'cidr never matches a string that is not an IP address',
    pattern: { ip: [{ cidr: '10.0.0.0/8' }] },
    event: { ip: 'ten.zero.zero.one' },
    expected: false,
  },
  {
    name: 'cidr IPv6: 2001:DB8:0:0:1::1 is in 2001:db8::/32',
    pattern: { ip: [{ cidr: '2001:db8::/32' }] },
    event: { ip: '2001:DB8:0:0:1::1' },
    expected: true,
  },
  {
    name: 'cidr IPv6: 2001:db9::1 is outside 2001:db8::/32',
    pattern: { ip: [{ cidr: '2001:db8::/32' }] },
    event: { ip: '2001:db9::1' },
    expected: false,
  },
  {
    name: 'cidr IPv6 never matches an IPv4 address',
    pattern: { ip: [{ cidr: '::/0' }] },
    event: { ip: '10.0.0.1' },
    expected: false,
  },
  {
    name: 'cidr floors the base address: 10.0.0.5/24 covers 10.0.0.200',
    pattern: { ip: [{ cidr: '10.0.0.5/24' }] },
    event: { ip: '10.0.0.200' },
    expected: true,
  },
  {
    name: 'an IPv4-mapped IPv6 address is treated as IPv4',
    pattern: { ip: [{ cidr: '10.0.0.0/8' }] },
    event: { ip: '::ffff:a00:1' },
    expected: true,
  },
  {
    name: 'a plain IP value matches the same address spelled differently',
    pattern: { ip: ['2001:db8::1'] },
    event: { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' },
    expected: true,
  },

  // exists
  {
    name: 'guide operators table "exists": ProductName exists',
    pattern: { ProductName: [{ exists: true }] },
    event: { ProductName: 'Widget' },
    expected: true,
  },
  {
    name: 'exists true does not match a missing field',
    pattern: { ProductName: [{ exists: true }] },
    event: { Price: 1 },
    expected: false,
  },
  {
    name: 'guide operators table "does not exist": ProductName is missing',
    pattern: { ProductName: [{ exists: false }] },
    event: { Price: 1 },
    expected: true,
  },
  {
    name: 'exists false does not match a present field',
    pattern: { ProductName: [{ exists: false }] },
    event: { ProductName: 'Widget' },
    expected: false,
  },
  {
    name: 'exists true matches a null value',
    pattern: { detail: { responseElements: [{ exists: true }] } },
    event: guideNullEvent,
    expected: true,
  },
  {
    name: 'exists true matches an empty string',
    pattern: { detail: { eventVersion: [{ exists: true }] } },
    event: guideNullEvent,
    expected: true,
  },
  {
    name: 'event-ruler README "exists": c-count holding an object counts as absent (leaf nodes only)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: 'running', 'c-count': { c1: 100 } } },
    expected: true,
  },
  {
    name: 'exists true does not match an intermediate object',
    pattern: { detail: [{ exists: true }] },
    event: guideEc2Event,
    expected: false,
  },
  {
    name: 'exists true does not match an empty array',
    pattern: { resources: [{ exists: true }] },
    event: guideNullEvent,
    expected: false,
  },
  {
    name: 'exists false matches when the parent object is missing',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { source: 'x' },
    expected: true,
  },
  {
    name: 'a value or exists:false: the value matches',
    pattern: { state: ['x', { exists: false }] },
    event: { state: 'x' },
    expected: true,
  },
  {
    name: 'a value or exists:false: another value does not match',
    pattern: { state: ['x', { exists: false }] },
    event: { state: 'y' },
    expected: false,
  },
  {
    name: 'exists false inside an array element is checked in that element',
    pattern: { employees: { firstName: ['John'], middleName: [{ exists: false }] } },
    event: { employees: [{ firstName: 'John' }, { firstName: 'Anna', middleName: 'B' }] },
    expected: true,
  },
  {
    name: 'exists false does not match an array holding an object and a scalar',
    pattern: { tags: [{ exists: false }] },
    event: { tags: [{ key: 'k' }, 'v'] },
    expected: false,
  },
  {
    name: 'exists false alone is checked across all array elements',
    pattern: { employees: { middleName: [{ exists: false }] } },
    event: { employees: [{ firstName: 'John' }, { firstName: 'Anna', middleName: 'B' }] },
    expected: false,
  },

  // $or
  {
    name: 'guide operators table "or": Location is New York or Day is Monday (Day)',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: { Location: 'Boston', Day: 'Monday' },
    expected: true,
  },
  {
    name: 'guide operators table "or": neither Location nor Day match',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: { Location: 'Boston', Day: 'Friday' },
    expected: false,
  },
  {
    name: 'event-ruler README "normal or": source and namespace',
    pattern: cloudwatchOr,
    event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
    expected: true,
  },
  {
    name: 'event-ruler README "normal or": the source must still match',
    pattern: cloudwatchOr,
    event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
    expected: false,
  },
  {
    name: 'event-ruler README "parallel or": metricName and detail-type',
    pattern: parallelOr,
    event: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    expected: true,
  },
  {
    name: 'event-ruler README "parallel or": the nested $or must also match',
    pattern: parallelOr,
    event: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } },
    expected: false,
  },
  {
    name: 'event-ruler README "or has an and inside": metricType alone is not enough',
    pattern: cloudwatchOrWithAnd,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType' },
    expected: false,
  },
  {
    name: 'event-ruler README "or has an and inside": metricType and namespace',
    pattern: cloudwatchOrWithAnd,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
    expected: true,
  },
  {
    name: 'event-ruler README "nested or and and": metricId 1234',
    pattern: cloudwatchNestedOr,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 1234 },
    expected: true,
  },
  {
    name: 'event-ruler README "nested or and and": neither metricId nor spaceId',
    pattern: cloudwatchNestedOr,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 1 },
    expected: false,
  },
  {
    name: '$or keeps array consistency with the fields around it (different elements)',
    pattern: { a: { x: ['1'] }, $or: [{ a: { y: ['2'] } }, { z: ['3'] }] },
    event: { a: [{ x: '1' }, { y: '2' }] },
    expected: false,
  },
  {
    name: '$or keeps array consistency with the fields around it (same element)',
    pattern: { a: { x: ['1'] }, $or: [{ a: { y: ['2'] } }, { z: ['3'] }] },
    event: { a: [{ x: '1', y: '2' }] },
    expected: true,
  },
  {
    name: '$or with an exists:false alternative',
    pattern: { detail: { $or: [{ state: ['running'] }, { state: [{ exists: false }] }] } },
    event: { detail: { other: 1 } },
    expected: true,
  },

  // The complex example
  {
    name: 'event-ruler README "complex example" matches its sample event',
    pattern: rulerComplex,
    event: rulerEvent,
    expected: true,
  },
  {
    name: 'event-ruler README "complex example": a source-ip outside 10.0.0.0/8',
    pattern: rulerComplex,
    event: { ...rulerEvent, detail: { ...rulerEvent.detail, 'source-ip': '192.168.0.1' } },
    expected: false,
  },
];

describe('matchesEventPattern', () => {
  it('has a large table', () => {
    expect(matchCases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(matchCases)('$name', ({ pattern, event, expected }) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
    expect(validateEventPattern(pattern)).toEqual({ ok: true });
  });

  it('gives the same answers through compileEventPattern', () => {
    for (const { pattern, event, expected } of matchCases) {
      expect(compileEventPattern(pattern)(event)).toBe(expected);
    }
  });

  it('throws EventPatternError for an invalid pattern', () => {
    expect(() => matchesEventPattern({ source: 'x' }, {})).toThrow(EventPatternError);
  });
});

interface InvalidCase {
  name: string;
  pattern: unknown;
  message: string;
  path?: string;
}

const deep = (levels: number): EventPattern => {
  let pattern: EventPattern = { leaf: ['x'] };
  for (let i = 0; i < levels; i++) pattern = { n: pattern };
  return pattern;
};

/** Ten sibling objects, each with a two-way $or: 2^10 alternatives. */
const orExplosion: EventPattern = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`k${i}`, { $or: [{ a: [1] }, { b: [1] }] }]),
);

const invalidCases: InvalidCase[] = [
  { name: 'a string is not a pattern', pattern: 'x', message: 'must be a JSON object', path: '' },
  { name: 'an array is not a pattern', pattern: [{ a: ['x'] }], message: 'must be a JSON object', path: '' },
  { name: 'an empty pattern', pattern: {}, message: 'empty objects are not allowed', path: '' },
  {
    name: 'a bare leaf string',
    pattern: { source: 'x' },
    message: 'source: must be an array',
    path: 'source',
  },
  {
    name: 'a bare leaf number',
    pattern: { detail: { n: 5 } },
    message: 'detail.n: must be an array',
    path: 'detail.n',
  },
  {
    name: 'an empty array',
    pattern: { source: [] },
    message: 'empty arrays are not allowed',
    path: 'source',
  },
  {
    name: 'an empty nested object',
    pattern: { detail: {} },
    message: 'detail: empty objects',
    path: 'detail',
  },
  {
    name: 'a nested array value',
    pattern: { a: [['x']] },
    message: 'match value must be a string',
    path: 'a[0]',
  },
  { name: 'an empty match expression', pattern: { a: [{}] }, message: 'exactly one operator, found 0' },
  {
    name: 'two operators in one expression',
    pattern: { a: [{ prefix: 'x', suffix: 'y' }] },
    message: 'exactly one operator, found 2',
  },
  {
    name: 'an unknown operator',
    pattern: { a: [{ regex: 'x' }] },
    message: 'unrecognized match type "regex"',
  },
  {
    name: 'a prefix that is not a string',
    pattern: { detail: { state: [{ prefix: 5 }] } },
    message: 'detail.state[0]: "prefix" must be a string',
    path: 'detail.state[0]',
  },
  {
    name: 'a prefix object without equals-ignore-case',
    pattern: { a: [{ prefix: { wildcard: 'x' } }] },
    message: 'only "equals-ignore-case"',
  },
  {
    name: 'a suffix equals-ignore-case that is not a string',
    pattern: { a: [{ suffix: { 'equals-ignore-case': 1 } }] },
    message: '"suffix"."equals-ignore-case" must be a string',
  },
  {
    name: 'equals-ignore-case with a list',
    pattern: { a: [{ 'equals-ignore-case': ['x'] }] },
    message: '"equals-ignore-case" must be a string',
  },
  {
    name: 'wildcard with consecutive stars',
    pattern: { a: [{ wildcard: 'a**b' }] },
    message: 'consecutive wildcard characters at 1',
  },
  {
    name: 'wildcard with a bad escape',
    pattern: { a: [{ wildcard: 'a\\b' }] },
    message: 'invalid escape at 1',
  },
  {
    name: 'wildcard that is not a string',
    pattern: { a: [{ wildcard: 5 }] },
    message: '"wildcard" must be a string',
  },
  {
    name: 'exists that is a string',
    pattern: { a: [{ exists: 'true' }] },
    message: '"exists" must be true or false',
  },
  {
    name: 'numeric that is not an array',
    pattern: { a: [{ numeric: 5 }] },
    message: '"numeric" must be an array',
  },
  {
    name: 'numeric with an empty array',
    pattern: { a: [{ numeric: [] }] },
    message: 'must start with one of',
  },
  {
    name: 'numeric with a bad operator',
    pattern: { a: [{ numeric: ['!=', 5] }] },
    message: 'must start with one of',
  },
  {
    name: 'numeric with a string operand',
    pattern: { a: [{ numeric: ['>', '5'] }] },
    message: 'value after ">" must be a number',
  },
  {
    name: 'numeric with the upper bound first',
    pattern: { a: [{ numeric: ['<', 5, '>', 0] }] },
    message: 'too many elements',
  },
  {
    name: 'numeric with a range closed by >',
    pattern: { a: [{ numeric: ['>', 0, '>', 5] }] },
    message: 'must close with "<" or "<="',
  },
  {
    name: 'numeric with an empty range',
    pattern: { a: [{ numeric: ['>', 5, '<', 5] }] },
    message: 'lower bound 5 must be less than upper bound 5',
  },
  {
    name: 'numeric with a missing upper value',
    pattern: { a: [{ numeric: ['>', 0, '<'] }] },
    message: 'value after "<" must be a number',
  },
  {
    name: 'numeric = with extra terms',
    pattern: { a: [{ numeric: ['=', 5, 6] }] },
    message: 'too many elements',
  },
  {
    name: 'numeric beyond the documented range',
    pattern: { a: [{ numeric: ['<', 6e9] }] },
    message: 'between -5e9 and 5e9',
  },
  {
    name: 'cidr without a mask',
    pattern: { a: [{ cidr: '10.0.0.0' }] },
    message: 'exactly one "/" is required',
  },
  {
    name: 'cidr with a word for a mask',
    pattern: { a: [{ cidr: '10.0.0.0/ab' }] },
    message: 'mask bits must be',
  },
  {
    name: 'cidr with a bad IPv4 address',
    pattern: { a: [{ cidr: '300.0.0.0/8' }] },
    message: 'invalid IP address',
  },
  {
    name: 'cidr with a host name',
    pattern: { a: [{ cidr: 'example.com/8' }] },
    message: 'invalid IP address',
  },
  {
    name: 'cidr with a bad IPv6 address',
    pattern: { a: [{ cidr: '2001:db8:::1/64' }] },
    message: 'invalid IP address',
  },
  { name: 'cidr IPv4 /33', pattern: { a: [{ cidr: '10.0.0.0/33' }] }, message: 'at most 31' },
  {
    name: 'cidr IPv4 /32 (event-ruler rule)',
    pattern: { a: [{ cidr: '10.0.0.1/32' }] },
    message: 'at most 31',
  },
  {
    name: 'cidr IPv6 /128 (event-ruler rule)',
    pattern: { a: [{ cidr: '2001:db8::1/128' }] },
    message: 'at most 127',
  },
  { name: 'cidr that is not a string', pattern: { a: [{ cidr: 10 }] }, message: '"cidr" must be a string' },
  {
    name: 'anything-but null',
    pattern: { a: [{ 'anything-but': null }] },
    message: '"anything-but" must be',
  },
  {
    name: 'anything-but with a mixed list',
    pattern: { a: [{ 'anything-but': ['a', 1] }] },
    message: 'only strings or only numbers',
  },
  {
    name: 'anything-but with an empty list',
    pattern: { a: [{ 'anything-but': [] }] },
    message: 'must be non-empty',
  },
  {
    name: 'anything-but with a null in its list',
    pattern: { a: [{ 'anything-but': [null] }] },
    message: 'only strings or only numbers',
  },
  {
    name: 'anything-but numeric (not supported by EventBridge)',
    pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
    message: 'unsupported "anything-but" operator "numeric"',
  },
  {
    name: 'anything-but with an empty prefix',
    pattern: { a: [{ 'anything-but': { prefix: '' } }] },
    message: '"anything-but"."prefix" must not be empty',
  },
  {
    name: 'anything-but prefix that is a number',
    pattern: { a: [{ 'anything-but': { prefix: 5 } }] },
    message: '"anything-but"."prefix" must be a string or a non-empty list of strings',
  },
  {
    name: 'anything-but wildcard with consecutive stars',
    pattern: { a: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] },
    message: 'consecutive wildcard characters',
  },
  {
    name: 'anything-but object with two operators',
    pattern: { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
    message: 'exactly one operator, found 2',
  },
  {
    name: 'anything-but number beyond the documented range',
    pattern: { a: [{ 'anything-but': [1, 6e9] }] },
    message: 'between -5e9 and 5e9',
  },
  {
    name: '$or that is an object',
    pattern: { $or: { a: ['x'] } },
    message: '"$or" must be an array',
    path: '$or',
  },
  {
    name: '$or with one object',
    pattern: { $or: [{ a: ['x'] }] },
    message: 'at least 2 objects',
    path: '$or',
  },
  {
    name: '$or with a string element',
    pattern: { $or: [{ a: ['x'] }, 'b'] },
    message: 'may contain only objects',
    path: '$or[1]',
  },
  {
    name: '$or with a reserved field name',
    pattern: { $or: [{ prefix: ['x'] }, { b: ['y'] }] },
    message: 'reserved keyword',
    path: '$or[0].prefix',
  },
  {
    name: '$or with an empty object',
    pattern: { $or: [{ a: ['x'] }, {}] },
    message: 'empty objects',
    path: '$or[1]',
  },
  {
    name: 'an error inside a nested $or names its path',
    pattern: { detail: { $or: [{ a: [{ prefix: 1 }] }, { b: ['y'] }] } },
    message: 'detail.$or[0].a[0]: "prefix" must be a string',
    path: 'detail.$or[0].a[0]',
  },
  { name: 'too many $or alternatives', pattern: orExplosion, message: 'more than 1000 alternative patterns' },
  {
    name: 'a pattern over 2048 characters',
    pattern: { a: ['x'.repeat(2100)] },
    message: 'the limit is 2048',
  },
  { name: 'nesting deeper than 100 levels', pattern: deep(100), message: 'nesting exceeds 100 levels' },
  { name: 'a NaN value', pattern: { a: [Number.NaN] }, message: 'match value must be a string' },
  { name: 'a Date value', pattern: { a: new Date(0) }, message: 'must be an array of match values' },
];

const validPatterns: Array<{ name: string; pattern: unknown }> = [
  { name: 'an empty prefix', pattern: { a: [{ prefix: '' }] } },
  { name: 'numeric at the documented limits', pattern: { a: [{ numeric: ['>=', -5e9, '<=', 5e9] }] } },
  { name: 'wildcard escapes', pattern: { a: [{ wildcard: 'a\\*b\\\\c*' }] } },
  { name: 'nested $or', pattern: { $or: [{ a: ['x'] }, { b: { $or: [{ c: [1] }, { d: [2] }] } }] } },
  { name: 'cidr /31', pattern: { a: [{ cidr: '10.0.0.0/31' }] } },
  { name: 'cidr ::/0', pattern: { a: [{ cidr: '::/0' }] } },
  {
    name: 'anything-but equals-ignore-case list',
    pattern: { a: [{ 'anything-but': { 'equals-ignore-case': ['A', 'B'] } }] },
  },
  {
    name: 'every kind of plain value',
    pattern: { a: ['x', 1, -2.5, true, false, null, '', { exists: false }] },
  },
  { name: 'account numbers beyond the numeric range as plain values', pattern: { account: [123456789012] } },
  { name: 'a field named like an operator outside $or', pattern: { detail: { prefix: ['x'] } } },
  { name: 'an empty field name', pattern: { '': ['x'] } },
  { name: 'nesting of 99 levels', pattern: deep(98) },
];

describe('validateEventPattern', () => {
  it('has a large table of invalid patterns', () => {
    expect(invalidCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalidCases)('rejects $name', ({ pattern, message, path }) => {
    const result = validateEventPattern(pattern);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(message);
    if (path !== undefined) expect(result.path).toBe(path);
    expect(() => compileEventPattern(pattern, { maxLength: DEFAULT_MAX_PATTERN_LENGTH })).toThrow(
      EventPatternError,
    );
  });

  it.each(validPatterns)('accepts $name', ({ pattern }) => {
    expect(validateEventPattern(pattern)).toEqual({ ok: true });
  });

  it('applies a raised length limit (AWS allows up to 4096 on request)', () => {
    const pattern = { a: ['x'.repeat(3000)] };
    expect(validateEventPattern(pattern).ok).toBe(false);
    expect(validateEventPattern(pattern, { maxLength: 4096 })).toEqual({ ok: true });
    expect(matchesEventPattern(pattern, { a: 'x'.repeat(3000) })).toBe(true);
  });

  it('reports the path of the failing part', () => {
    expect(validateEventPattern({ detail: { state: [{ prefix: 5 }] } })).toEqual({
      ok: false,
      message: 'detail.state[0]: "prefix" must be a string',
      path: 'detail.state[0]',
    });
  });
});
