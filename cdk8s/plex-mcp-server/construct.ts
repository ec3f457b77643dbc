// The cdk8s construct: a PlexMcpServer's children as ApiObjects, so they compose with other cdk8s charts
// (the `render` CLI synthesizes it) and are serialized the cdk8s way (sorted keys, tokens resolved).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { buildChildren, type RenderInputs } from './children.ts';

export interface PlexMcpServerChildrenProps {
  resource: PlexMcpServer;
  inputs: RenderInputs;
}

export class PlexMcpServerChildren extends Construct {
  readonly apiObjects: ApiObject[];

  constructor(scope: Construct, id: string, props: PlexMcpServerChildrenProps) {
    super(scope, id);
    this.apiObjects = buildChildren(props.resource, props.inputs).map((child) => {
      const { apiVersion, kind, metadata, ...rest } = child as Required<typeof child> &
        Record<string, unknown>;
      return new ApiObject(this, `${kind}-${metadata.name}`, {
        apiVersion: apiVersion as string,
        kind: kind as string,
        metadata: metadata as Record<string, unknown>,
        ...rest,
      });
    });
  }
}
