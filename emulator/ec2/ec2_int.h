/* ec2_int.h: what the ec2 module's files share (not for other modules). */
#ifndef FG_EC2_INT_H
#define FG_EC2_INT_H

#include "ec2/ec2.h"

void ec2_types_register(struct stack_registry *r, void *svc);

#endif
