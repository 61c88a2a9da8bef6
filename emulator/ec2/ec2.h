/*
 * ec2: the VPC resources private APIs and VPC origins need — AWS::EC2::VPC, Subnet,
 * SecurityGroup (stored, given AWS-shaped ids and attributes) and AWS::EC2::VPCEndpoint
 * (interface endpoints to com.amazonaws.{region}.execute-api route requests to private
 * APIs; other services are stored with a warning).
 *
 * Other services reach it only through iface/network.h (ec2_network).
 */
#ifndef FG_EC2_H
#define FG_EC2_H

#include "iface/network.h"
#include "main/service.h"
#include "stack/stack.h"

struct ec2;

struct ec2 *ec2_new(void);
void ec2_destroy(struct ec2 **ep);
void ec2_register_types(struct ec2 *e, struct stack_registry *r);
/* compile/release only: EC2 has no data-plane front. */
const struct fg_service *ec2_service(struct ec2 *e);
void ec2_set_slot(struct ec2 *e, unsigned slot);
const struct fg_network *ec2_network(struct ec2 *e);

/* The hosted zone id AWS gives interface-endpoint DNS names in a region. */
const char *ec2_vpce_zone_id(const char *region);

#endif
