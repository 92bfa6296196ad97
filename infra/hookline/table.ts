import {
  RemovalPolicy,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  type aws_lambda as lambda,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../../functions/adapters/aws/tableLayout.ts';

/**
 * Hookline's one DynamoDB table (its keys and indexes: functions/adapters/aws/tableLayout.ts), and the one
 * kind of access the functions get to it. Created in the Hookline construct's own scope (see the top of
 * infra/hooklineConstruct.ts: the table keeps the logical id it has been deployed with).
 */
export class HooklineTable {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, props: { readonly removalPolicy?: RemovalPolicy }) {
    this.table = new dynamodb.Table(scope, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.index,
      partitionKey: { name: TABLE_KEYS.indexPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.indexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    // GET /runs: every run by creation time (sparse: only run items carry its keys).
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.runsIndex,
      partitionKey: { name: TABLE_KEYS.runsIndexPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.runsIndexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /**
   * Item-level read/write on the table and its one index: the operations the DynamoDB store
   * uses (test/infra/hooklineStack.test.ts checks the SDK commands the functions send against this list). No Scan, no
   * table management, no streams, no transactions (the design has none: dynalite lacks them).
   */
  grantItemReadWrite(fn: lambda.IFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/${TABLE_KEYS.index}`],
      }),
    );
  }
}
